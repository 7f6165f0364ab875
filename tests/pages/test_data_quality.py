"""AppTest of the Data quality page over tests/analytics_fixture.py (and an unreadable file)."""

from __future__ import annotations

from tests.pages.analytics_helpers import frame_with
from tests.pages.helpers import open_app, shown

PAGE = "pages/data_quality.py"


def test_data_quality_figures(analytics_lake):
    bad = analytics_lake.lake_dir / "orders" / "month=2026-03" / "part-broken.parquet"
    bad.write_bytes(b"not parquet")
    at = open_app(page=PAGE)
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sources agree on shipped time"] == "66.7%"
    assert metrics["Orders with an unmapped status"] == "1"
    assert metrics["Unreadable lake files"] == "1"
    assert any("part-broken.parquet" in shown(e.value) for e in at.error)  # the path is data: escaped
    low = frame_with(at, "completeness")
    assert ("Tmall", "Receiver phone") in set(zip(low["channel"], low["field"], strict=True))  # by name


def test_data_quality_channel_filter(analytics_lake):
    at = open_app(page=PAGE, channels=["shopee"])
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Orders with an unmapped status"] == "0"
