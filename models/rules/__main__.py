"""Command line for the rules.

    python -m models.rules validate [FILE]          # default: the rule set in force
    python -m models.rules replay --days 7 [FILE]   # what FILE would change against the saved rules
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.db import connect
from models.rules.config import RulesError, read_text, rules_path
from models.rules.replay import replay
from models.rules.store import active_rules, check
from models.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.rules", description="Validate and replay rules.")
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="check every rule against the canonical order row")
    val.add_argument("file", nargs="?", type=Path)
    rep = sub.add_parser("replay", help="what an edited rule file would change over recent orders")
    rep.add_argument("--days", type=int, default=7)
    rep.add_argument("file", nargs="?", type=Path)
    args = parser.parse_args(argv)
    settings = load_settings()
    path = args.file or rules_path(settings)
    try:
        edited = check(path.read_text(encoding="utf-8") if args.file else read_text(settings), where=str(path))
    except (RulesError, OSError) as exc:
        problems = exc.problems if isinstance(exc, RulesError) else [str(exc)]
        print("\n".join(f"error: {p}" for p in problems), file=sys.stderr)
        return 1
    if args.command == "validate":
        print(f"{path}: {len(edited.rules)} rules valid (version {edited.version})")
        return 0
    db = connect(settings)
    diff = replay(db, active_rules(settings), edited, args.days)
    print(diff.summary())
    for column in ("warehouse", "carrier"):
        table = diff.by_dimension(column)
        if len(table):
            print(table.to_string(index=False))
    for title, frame in (("added", diff.exceptions_added), ("removed", diff.exceptions_removed)):
        if len(frame):
            print(f"exceptions {title}:\n" + frame.groupby("type").size().to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
