"""AppTest of the Exceptions page over tests/analytics_fixture.py."""

from __future__ import annotations

from datetime import date

from tests.pages.helpers import open_app

PAGE = "pages/exceptions.py"


def test_exceptions_figures(analytics_lake):
    at = open_app(page=PAGE)
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Exceptions raised"], metrics["Still open"], metrics["Mean time to resolve"]) == ("4", "3", "2.0 h")
    assert len(at.get("plotly_chart")) == 3


def test_exceptions_warehouse_filter(analytics_lake):
    at = open_app(page=PAGE, warehouses=["Hefei"])
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Exceptions raised"] == "2"  # X2, X3


def test_exceptions_empty(analytics_lake):
    at = open_app(dates=(date(2026, 3, 3), date(2026, 3, 3)), page=PAGE)
    assert not at.exception
    assert any("No exceptions" in i.value for i in at.info)
