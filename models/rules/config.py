"""The rule set as it is written in `rules.toml`: parsing, structural checks, atomic saving with history.

Expressions are checked against the canonical row in models/rules/validate.py; this module checks
everything that needs no database: known kinds, unique ids, the fields each kind needs.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models import actions, atomic
from models.access import AccessDenied
from models.auth import User, require
from models.config_check import ConfigError, check_keys
from models.exceptions import SEVERITIES, TYPES
from models.filelock import state_lock
from models.settings import Settings
from models.versions import conflict

KINDS = ("interception", "routing", "carrier", "sla")  # evaluation order: flags first, then routing
FLAGS = ("is_urgent", "is_vip")
SHIPPED_DEFAULT = Path(__file__).resolve().parents[2] / "data" / "config" / "rules.toml"
HISTORY_DIR = "rules-history"
RULES_SUBJECT = "rules.toml"  # the audit trail's target_id for rule saves


class RulesError(ValueError):
    """The rule set cannot be used; `problems` lists each one, naming the rule."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    when: str
    description_en: str = ""
    description_zh: str = ""
    severity: str = "medium"
    owner: str = "ops"
    warehouse: str | None = None
    hold: bool = False
    carrier: str | None = None
    exception: str | None = None
    flag: str | None = None
    due_minutes: int | None = None
    split: bool = False  # routing: when no warehouse has every line, propose a split shipment (never made)

    def description(self, lang: str) -> str:
        return (self.description_zh if lang == "zh" else self.description_en) or self.id


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    regions: dict[str, list[str]] = field(default_factory=dict)
    rates: tuple[dict[str, Any], ...] = ()
    default_kg: float = 0.5
    category_kg: dict[str, float] = field(default_factory=dict)
    text: str = ""

    @property
    def version(self) -> str:
        """A short hash of the TOML text: which rule set produced a rule hit."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]

    def of_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


def parse(text: str, where: str = "rules.toml") -> RuleSet:
    """Parse and check the structure; RulesError lists every problem, each naming the rule."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError([f"{where}: not valid TOML ({exc})"]) from exc
    problems: list[str] = []
    try:
        check_keys(where, "", doc, {"rules", "rates", "regions", "weights"}, "section")
        check_keys(where, "[weights]", doc.get("weights", {}), {"default_kg", "category"})
    except ConfigError as exc:
        problems.append(str(exc))
    rules = [_rule(entry, i, where, problems) for i, entry in enumerate(doc.get("rules", []), start=1)]
    seen: set[str] = set()
    for rule in rules:
        if rule and rule.id in seen:
            problems.append(f"{where}: rule {rule.id!r} is defined twice; ids must be unique")
        seen.add(rule.id if rule else "")
    rates = tuple(doc.get("rates", []))
    for i, rate in enumerate(rates, start=1):
        missing = {"carrier", "region", "first_kg_cents", "extra_kg_cents"} - set(rate)
        if missing:
            problems.append(f"{where}: rate #{i} lacks {', '.join(sorted(missing))}")
    if problems:
        raise RulesError(problems)
    weights = doc.get("weights", {})
    return RuleSet(tuple(r for r in rules if r), doc.get("regions", {}), rates,
                   float(weights.get("default_kg", 0.5)), dict(weights.get("category", {})), text)


def _rule(entry: dict[str, Any], index: int, where: str, problems: list[str]) -> Rule | None:
    name = f"{where}: rule {entry.get('id', f'#{index}')!r}"
    try:
        rule = Rule(**entry)
    except TypeError as exc:
        problems.append(f"{name}: {exc}".replace("Rule.__init__() ", ""))
        return None
    problems.extend(f"{name}: {p}" for p in _kind_problems(rule))
    return rule


def _kind_problems(rule: Rule) -> list[str]:
    out = []
    if rule.kind not in KINDS:
        out.append(f"kind {rule.kind!r} is not one of {', '.join(KINDS)}")
    if rule.severity not in SEVERITIES:
        out.append(f"severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}")
    if rule.kind == "routing" and not (rule.warehouse or rule.hold):
        out.append("a routing rule needs `warehouse = \"...\"` or `hold = true`")
    if rule.split and rule.kind != "routing":
        out.append("only a routing rule may allow `split = true`")
    if rule.kind == "carrier" and not rule.carrier:
        out.append("a carrier rule needs `carrier = \"...\"` (or \"cheapest\")")
    if rule.kind == "interception" and not (rule.flag or rule.exception):
        out.append("an interception rule needs `flag` or `exception`")
    if rule.flag and rule.flag not in FLAGS:
        out.append(f"flag {rule.flag!r} is not one of {', '.join(FLAGS)}")
    if rule.exception and rule.exception not in TYPES:
        out.append(f"exception type {rule.exception!r} is unknown; known: {', '.join(TYPES)}")
    if not str(rule.when).strip():
        out.append("`when` is empty")
    elif ";" in rule.when:
        out.append("`when` must be one expression (no ';')")
    return out


def rules_path(settings: Settings) -> Path:
    """The editable rule file under the data dir; the shipped default until someone saves one."""
    own = settings.config_dir / "rules.toml"
    return own if own.exists() else SHIPPED_DEFAULT


def read_text(settings: Settings) -> str:
    return rules_path(settings).read_text(encoding="utf-8")


def text_version(text: str) -> str:
    """The version of a rule text that an editor shows and its save carries: the file has no other stamp."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def save_text(settings: Settings, text: str, expected: str | None = None) -> Path:
    """Write the new TOML atomically, keeping the previous file in rules-history/. With `expected` (the
    `text_version` the editor was loaded with), refuse with ConflictError if someone saved since."""
    with state_lock(settings, "rules"):
        _unchanged(settings, expected)
        return _write(settings, text)


def save(settings: Settings, user: User | None, text: str, expected: str, reason: str | None) -> Path:
    """The console's save: PermissionError unless the role may edit rules and the user has no access limit
    (rules act on every channel); ConflictError if someone saved since `expected`; one audit row."""
    user = require(user, "edit_rules")
    if not user.access.unrestricted:
        raise AccessDenied("rules act on every channel and warehouse: an admin with an access limit cannot save "
                           "them; ask an admin without one")
    with state_lock(settings, "rules"):
        before = _unchanged(settings, expected)
        path = _write(settings, text)
        actions.record(settings.lake_dir, user, "rules_saved", "rules", RULES_SUBJECT, before={"toml": before},
                       after={"toml": text}, reason=reason)
    return path


def _unchanged(settings: Settings, expected: str | None) -> str:
    """The text in force; ConflictError if `expected` is given and is not its version (caller holds the lock)."""
    current = rules_path(settings)
    text = current.read_text(encoding="utf-8")
    if expected is not None and text_version(text) != expected:
        changed_at = datetime.fromtimestamp(current.stat().st_mtime, UTC)
        raise conflict(settings.lake_dir, RULES_SUBJECT, changed_at, None)
    return text


def _write(settings: Settings, text: str) -> Path:
    """Keep the rules in force in rules-history/, then put `text` in their place (both atomic)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    previous = rules_path(settings).read_text(encoding="utf-8")
    atomic.write_text(settings.config_dir / HISTORY_DIR / f"rules-{stamp}.toml", previous)
    return atomic.write_text(settings.config_dir / "rules.toml", text)


def history(settings: Settings) -> list[Path]:
    """Earlier versions, newest first."""
    return sorted((settings.config_dir / HISTORY_DIR).glob("rules-*.toml"), reverse=True)
