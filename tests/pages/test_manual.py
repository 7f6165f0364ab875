"""AppTest of the Manual intervention page over tests/analytics_fixture.py."""

from __future__ import annotations

from datetime import date

from tests.pages.helpers import open_app

PAGE = "pages/manual.py"


def test_manual_rate_against_target(analytics_lake):
    at = open_app(page=PAGE)
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Manual intervention"] == "60.0%"  # P1, P2, P3 of 5
    assert any(":red[" in md.value for md in at.markdown)
    assert len(at.get("plotly_chart")) == 3


def test_manual_channel_filter(analytics_lake):
    at = open_app(page=PAGE, channels=["tmall"])
    assert {m.label: m.value for m in at.metric}["Manual intervention"] == "100.0%"


def test_manual_empty(analytics_lake):
    at = open_app(dates=(date(2025, 1, 1), date(2025, 1, 1)), page=PAGE)
    assert not at.exception and any("No orders match" in i.value for i in at.info)
