"""The rule behind an exception, named as the Rules page names it, and why it fired.

    name = rule_name("sla-idle-2h", "rules", active_rules(settings).by_id(), "en")
    # 'sla-idle-2h · No order waits more than 2 hours in one stage'

A rule from data/config/rules.toml is its id and description; a check built into the code (out of stock
after routing, an unknown carrier code, a refused write-back) has its own label; an exception no rule
raised says which part of the system raised it, so no exception shows an id the Rules page lacks.
"""

from __future__ import annotations

import pandas as pd

from models.i18n import CATALOGUE, label
from models.rules.config import Rule

# Rule ids the code itself uses (not editable on the Rules page) → their label key.
BUILT_IN = {"routing-stock": "rule.routing_stock", "carrier-code": "rule.carrier_code",
            "writeback": "rule.writeback", "inventory": "rule.inventory"}


def rule_name(rule_id: str | None, source: str | None, rules: dict[str, Rule], lang: str) -> str:
    """'<id> · <description>' for a configured or built-in rule; otherwise who raised it."""
    if rule_id in rules:
        return f"{rule_id} · {rules[rule_id].description(lang)}"
    if rule_id in BUILT_IN:
        return f"{rule_id} · {label(BUILT_IN[rule_id], lang)}"
    if rule_id:
        return label("rule.retired", lang, rule_id=rule_id)
    return label("rule.no_rule", lang, source=source_name(source, lang))


def source_name(source: str | None, lang: str) -> str:
    """The system part that raised it, in the reader's words ('ingest' → 'Import')."""
    key = f"source.{source}"
    return label(key, lang) if key in CATALOGUE else (source or label("rule.unknown_source", lang))


def explain(df: pd.DataFrame, rules: dict[str, Rule], lang: str) -> pd.DataFrame:
    """The exception rows with `rule` (its name) and `why` (what it read; 'not recorded' when nothing was)."""
    if df.empty:
        return df.assign(rule=pd.Series(dtype=str))
    names = [rule_name(None if pd.isna(r) else r, None if pd.isna(s) else s, rules, lang)
             for r, s in zip(df["rule_id"], df["source"], strict=True)]
    why = df["why"].where(df["why"].notna() & (df["why"] != ""), label("rule.why_missing", lang))
    return df.assign(rule=names, why=why)
