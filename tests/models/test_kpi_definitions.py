"""Every KPI formula is written once, in models/sql/macros.sql, and the named queries call it.

A structural check: the expression of each formula is searched for in every SQL file and every Python module
of the application; it must occur exactly once, in macros.sql. The numbers themselves are checked by
tests/models/test_kpis.py (by hand), tests/models/test_kpis_vs_pandas.py (an independent pandas implementation),
tests/models/test_analytics_kpis.py and tests/reports/test_same_as_console.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models import kpis

ROOT = Path(__file__).resolve().parents[2]
MACROS = ROOT / "models" / "sql" / "macros.sql"
SOURCES = ("models", "reports", "ui", "pages", "ingest", "charts", "app.py")
# formula → (the expression that defines it, the macro that holds it, a named query that must call the macro)
FORMULAS = {
    "gmv": (r"sum\s*\(\s*gmv_cents", "paid_gmv_cents", "summary"),
    "lead time median": (r"median\s*\(\s*lead_hours", "lead_time_median_h", "daily_lead_time"),
    "lead time p90": (r"quantile_cont\s*\(\s*lead_hours", "lead_time_p90_h", "flow_daily"),
    "lead time orders": (r"count\s*\(\s*\*\s*\)\s*filter\s*\(\s*where\s+lead_hours\s*>=\s*0\s*\)", "lead_time_orders",
                         "summary"),
    "on-time rate": (r"shipped_at\s*<=\s*ship_by_at", "on_time_rate", "explore"),
    "delivered on time": (r"delivered_at\s*<=\s*promised_delivery_at", "delivered_on_time_rate", "summary"),
    "manual orders": (r"filter\s*\(\s*where\s+has_action\s*\)", "manual_orders", "manual_weekly"),
    "manual rate": (r"\bmanual_orders\s*\(\s*has_action\s*\)\s*/", "manual_rate", "manual_weekly"),
    "field completeness": (r"sum\s*\(\s*filled_orders\s*\)\s*/", "field_completeness", "quality_completeness"),
    "negative durations": (r"least\s*\(\s*\w*placed_paid", "has_negative_duration", "quality_issues"),
}


def sources() -> list[Path]:
    found = []
    for name in SOURCES:
        path = ROOT / name
        found += [path] if path.is_file() else [*path.rglob("*.sql"), *path.rglob("*.py")]
    return found


@pytest.mark.parametrize("formula", FORMULAS)
def test_each_formula_is_defined_once_in_the_macros(formula: str) -> None:
    pattern, _, _ = FORMULAS[formula]
    where = [f"{p.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}"
             for p in sources() for text in [p.read_text(encoding="utf-8")]
             for m in re.finditer(pattern, text, flags=re.I)]
    assert len(where) == 1 and where[0].startswith("models/sql/macros.sql:"), where


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_queries_call_the_macro(formula: str) -> None:
    _, macro, query = FORMULAS[formula]
    assert re.search(rf"create or replace macro {macro}\(", MACROS.read_text(encoding="utf-8"))
    assert re.search(rf"\b{macro}\(", kpis.named_queries()[query])


def test_the_kpi_folder_holds_figures_only() -> None:
    """The delivery and alert record's queries are bookkeeping: they live in models/sql/records/."""
    bookkeeping = {"delivered_targets", "open_alerts", "alert_sends_since", "recent_alerts", "recent_deliveries"}
    assert not bookkeeping & set(kpis.named_queries())
    assert bookkeeping <= set(kpis.named_queries(ROOT / "models" / "sql" / "records"))


def test_every_named_query_runs_on_a_fresh_connection(handmade_db) -> None:
    """The macros come with the connection: no query depends on another having run first."""
    from datetime import date

    from bench.queries import PAGE_DEFAULTS

    scope = kpis.Scope(date(2026, 3, 2), date(2026, 3, 8))
    for name in kpis.named_queries():
        assert kpis.run(handmade_db, name, scope, extra=PAGE_DEFAULTS) is not None, name
