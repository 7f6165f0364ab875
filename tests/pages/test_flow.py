"""AppTest of the Flow efficiency page over tests/analytics_fixture.py."""

from __future__ import annotations

from datetime import date

from tests.pages.helpers import open_app

PAGE = "pages/flow.py"


def test_flow_shows_bottleneck_and_charts(analytics_lake):
    at = open_app(page=PAGE)
    assert not at.exception, at.exception
    assert any("Hefei: picked→packed median 1.8 h" in w.value for w in at.warning)
    assert {m.label: m.value for m in at.metric}["Orders looping back"] == "20.0%"
    assert len(at.get("plotly_chart")) == 4


def test_flow_channel_filter_and_breakdown(analytics_lake):
    at = open_app(page=PAGE, channels=["shopee"], flow_dim="warehouse")
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Orders looping back"] == "0.0%"  # P2 (tmall) is out


def test_flow_empty_scope_says_so(analytics_lake):
    at = open_app(dates=(date(2025, 1, 1), date(2025, 1, 1)), page=PAGE)
    assert not at.exception
    assert any("No orders match" in i.value for i in at.info)
