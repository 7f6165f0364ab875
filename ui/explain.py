"""The order page's exceptions and rule hits, each naming its rule as the Rules page does and saying why."""

from __future__ import annotations

import pandas as pd

from models.display import value_name
from models.i18n import exception_label
from models.rule_names import explain, rule_name
from models.rules.store import active_rules
from ui import data, lang, t

EXCEPTION_COLUMNS = ("exception_id", "type", "status", "rule", "why", "detected_at", "due_at", "resolution_code",
                     "assignee", "note")


def _rules() -> dict:
    return active_rules(data.settings()).by_id()


def exceptions(df: pd.DataFrame) -> pd.DataFrame:
    """The order's exceptions: type in words, the rule's name, what made it fire (or close), headers translated."""
    out = explain(df, _rules(), lang())
    if out.empty:
        return out
    out = out.assign(type=out["type"].map(lambda x: exception_label(x, lang())),
                     status=out["status"].map(lambda x: value_name("status", x, lang())),
                     resolution_code=out["resolution_code"].map(lambda x: value_name("resolution_code", x, lang()))
                     )[list(EXCEPTION_COLUMNS)]
    return out.rename(columns={c: t(f"explain.{c}") for c in EXCEPTION_COLUMNS})


def rule_hits(df: pd.DataFrame) -> pd.DataFrame:
    """Each rule's latest hit with its name and what it read."""
    if df.empty:
        return df
    rules = _rules()
    named = df.assign(rule=[rule_name(r, "rules", rules, lang()) for r in df["rule_id"]],
                      outcome=df["outcome"].map(lambda x: exception_label(x, lang())))  # an exception type
    columns = {"rule": t("explain.rule"), "outcome": t("explain.outcome"), "detail": t("explain.why"),
               "evaluated_at": t("explain.evaluated_at")}
    return named[list(columns)].rename(columns=columns)
