"""AppTest of the Capacity page: intake alerts, backlog, and acknowledging an alert as ops (an actions row)."""

from __future__ import annotations

from datetime import date

import pyarrow.parquet as pq

from models import lake
from tests.pages.analytics_helpers import frame_with
from tests.pages.helpers import open_app

PAGE = "pages/capacity.py"


def test_capacity_lists_the_alert_and_ops_acknowledges_it(analytics_lake):
    at = open_app(page=PAGE, role="ops")
    assert not at.exception, at.exception
    alert_table = frame_with(at, "alert_id")
    assert "intake:2026-03-02T11" in alert_table["alert_id"].tolist()
    assert "intake:2026-03-02T10" not in alert_table["alert_id"].tolist()  # exactly 200 %: no alert
    at.multiselect(key="capacity_ack_ids").set_value(["intake:2026-03-02T11"]).run()
    at.button(key="capacity_ack").click().run()
    assert not at.exception, at.exception
    rows = [r for f in lake.data_files(analytics_lake.lake_dir, "actions") for r in pq.read_table(f).to_pylist()]
    ack = [r for r in rows if r["action"] == "acknowledge_alert"]
    assert [(r["target_id"], r["user"], r["role"]) for r in ack] == [("intake:2026-03-02T11", "test.ops", "ops")]
    acked = frame_with(at, "alert_id").set_index("alert_id")
    assert acked.loc["intake:2026-03-02T11", "user"] == "test.ops"


def test_viewer_cannot_acknowledge(analytics_lake):
    at = open_app(page=PAGE, role="viewer")
    assert not at.exception
    assert not [b for b in at.button if b.key == "capacity_ack"]
    assert any("can acknowledge" in c.value for c in at.caption)


def test_capacity_empty(analytics_lake):
    at = open_app(dates=(date(2025, 1, 1), date(2025, 1, 1)), page=PAGE)
    assert not at.exception and any("No orders match" in i.value for i in at.info)
