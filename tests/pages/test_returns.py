"""AppTest of the Returns page over tests/analytics_fixture.py."""

from __future__ import annotations

from datetime import date

from tests.pages.helpers import open_app

PAGE = "pages/returns.py"


def test_returns_heatmap_and_movers(analytics_lake):
    at = open_app(page=PAGE)
    assert not at.exception, at.exception
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["Changed mind"] == ("0.0%", "-100.0 pt")
    assert metrics["Size too small"] == ("66.7%", "+66.7 pt")
    assert len(at.get("plotly_chart")) == 2


def test_returns_category_filter(analytics_lake):
    at = open_app(page=PAGE, returns_categories=["home"], returns_view="category")
    assert not at.exception, at.exception


def test_returns_empty(analytics_lake):
    at = open_app(dates=(date(2026, 3, 4), date(2026, 3, 4)), page=PAGE)
    assert not at.exception and any("No returns" in i.value for i in at.info)
