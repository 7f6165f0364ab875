"""AppTest of the order page's explained exceptions (tests/duty_fixture.py's worked figures)."""

from __future__ import annotations

from models.settings import Settings
from tests import duty_fixture
from tests.pages.helpers import open_app


def test_order_page_names_the_rule_and_says_why(data_dir):
    duty_fixture.build(Settings(data_dir=data_dir).lake_dir)
    at = open_app(page="pages/order.py", order_id="OH-S1")
    assert not at.exception, at.exception
    frames = {tuple(f.value.columns): f.value for f in at.dataframe}
    exceptions = next(v for k, v in frames.items() if "Resolution" in k)
    fired = next(v for k, v in frames.items() if "Evaluated" in k)
    assert fired.iloc[0]["Why (the values the rule read; times UTC)"] == (
        "status=allocated, now_at=2026-03-02 05:00, ship_by_at=2026-03-02 04:00")
    row = exceptions.iloc[0]
    assert row["Rule"] == "sla-ship-by · Orders leave the warehouse by the platform's ship-by time"
    assert row["Why (the values the rule read; times UTC)"] == (
        "status=shipped, now_at=2026-03-02 06:10, ship_by_at=2026-03-02 04:00")
    assert (row["Status"], row["Resolution"]) == ("Resolved", "Cleared by itself")

