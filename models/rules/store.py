"""Which rule set is in force: the saved file when it is valid, else the newest valid earlier version.

A broken rules.toml (edited by hand, say) never stops routing: the last good rule set stays in force
and the problem is logged with the rule named.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from models.db import LakeConnection, connect
from models.rules import config, validate
from models.rules.config import RulesError, RuleSet
from models.settings import Settings

log = logging.getLogger(__name__)


def check(text: str, db: LakeConnection | None = None, where: str = "rules.toml") -> RuleSet:
    """Parse and bind every expression; RulesError lists every problem, each naming its rule."""
    rules = config.parse(text, where)
    if db is not None:
        problems = validate.problems(db, rules, datetime.now(UTC))
    else:
        with tempfile.TemporaryDirectory(prefix="orderhub-rules-") as empty:
            scratch = connect(Settings(data_dir=Path(empty)))
            try:
                problems = validate.problems(scratch, rules, datetime.now(UTC))
            finally:
                scratch.close()
    if problems:
        raise RulesError(problems)
    return rules


def active_rules(settings: Settings, db: LakeConnection | None = None) -> RuleSet:
    """The saved rule set if valid; otherwise the newest valid one from history, then the shipped default."""
    candidates = [config.rules_path(settings), *config.history(settings), config.SHIPPED_DEFAULT]
    for path in candidates:
        try:
            return check(path.read_text(encoding="utf-8"), db, str(path))
        except (RulesError, OSError) as exc:
            log.error("rules in %s not used: %s", path, exc)
    raise RulesError([f"no valid rule set in {', '.join(map(str, candidates))}"])
