"""AppTest of the Flow efficiency page over tests/analytics_fixture.py."""

from __future__ import annotations

import base64
import json
from datetime import date

import numpy as np

from tests.pages.helpers import open_app

PAGE = "pages/flow.py"


def test_flow_shows_bottleneck_and_charts(analytics_lake):
    at = open_app(page=PAGE)
    assert not at.exception, at.exception
    assert any("Hefei: Picked→Packed median 1.8 h" in w.value for w in at.warning)  # the steps by name
    assert {m.label: m.value for m in at.metric}["Orders looping back"] == "20.0%"
    assert len(at.get("plotly_chart")) == 5


def test_flow_channel_filter_and_breakdown(analytics_lake):
    at = open_app(page=PAGE, channels=["shopee"], flow_dim="warehouse")
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Orders looping back"] == "0.0%"  # P2 (tmall) is out


def test_flow_empty_scope_says_so(analytics_lake):
    at = open_app(dates=(date(2025, 1, 1), date(2025, 1, 1)), page=PAGE)
    assert not at.exception
    assert any("No orders match" in i.value for i in at.info)


def test_flow_draws_delivered_by_promise_per_day(handmade_lake):
    from tests import handmade

    handmade.add_promises(handmade_lake.lake_dir)  # paid 03-02: A on time, B late (C undelivered, E no promise)
    at = open_app(page=PAGE)
    assert not at.exception, at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    [chart] = [s for s in specs if s["layout"]["title"]["text"].startswith("Delivered by the promised date")]
    y = chart["data"][0]["y"]  # plotly sends numeric arrays as base64 typed arrays
    assert np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist() == [0.5]
    assert any(shape.get("y0") == 0.95 for shape in chart["layout"]["shapes"])  # the target line
