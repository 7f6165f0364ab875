"""AppTest of the Capacity page: intake alerts, backlog, and acknowledging an alert as ops (an actions row)."""

from __future__ import annotations

import json
from datetime import date

import pyarrow.parquet as pq
import pytest

from models import lake
from tests.handmade import local
from tests.pages.analytics_helpers import frame_with
from tests.pages.helpers import open_app, shown
from ui import tables

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


def _acks(settings):
    rows = [r for f in lake.data_files(settings.lake_dir, "actions") for r in pq.read_table(f).to_pylist()]
    return [(r["target_id"], r["user"]) for r in rows if r["action"] == "acknowledge_alert"]


def test_a_second_acknowledgement_from_a_stale_page_is_refused_and_not_recorded(analytics_lake):
    alert = "intake:2026-03-02T11"
    mine, theirs = open_app(page=PAGE, role="ops"), open_app(page=PAGE, role="ops", name="ana.ops")
    for at in (mine, theirs):  # both pages show the alert open
        at.multiselect(key="capacity_ack_ids").set_value([alert]).run()
    theirs.button(key="capacity_ack").click().run()
    assert [s.value for s in theirs.success] == ["1 alert(s) acknowledged."]
    mine.button(key="capacity_ack").click().run()
    assert not mine.exception, mine.exception
    assert not mine.success
    assert shown(mine.warning[0].value).startswith(f"{alert} was already acknowledged by ana.ops at 2")
    assert _acks(analytics_lake) == [(alert, "ana.ops")]


def test_a_warehouse_limited_user_may_acknowledge_its_backlog_alert_only(analytics_lake):
    from models import alert_acks
    from models.access import Access, AccessDenied
    from models.auth import User

    suzhou = User("wh.ops", "ops", Access(warehouses=("Suzhou",)))
    with pytest.raises(AccessDenied, match="outside your access"):
        alert_acks.acknowledge(analytics_lake, suzhou, "intake:2026-03-02T11")  # every warehouse's intake
    with pytest.raises(AccessDenied):
        alert_acks.acknowledge(analytics_lake, suzhou, "backlog:Hangzhou:pick")
    with pytest.raises(PermissionError, match="role 'viewer' cannot triage; ask an admin for the ops role"):
        alert_acks.acknowledge(analytics_lake, User("v", "viewer"), "backlog:Suzhou:pick")
    with pytest.raises(AccessDenied):  # a channel-limited user sees its slice of the backlog, not the alert
        alert_acks.acknowledge(analytics_lake, User("c", "ops", Access(channels=("tmall",))), "backlog:Suzhou:pick")
    alert_acks.acknowledge(analytics_lake, suzhou, "backlog:Suzhou:pick")
    assert _acks(analytics_lake) == [("backlog:Suzhou:pick", "wh.ops")]


def test_a_long_risk_list_shows_the_most_urgent_and_says_how_many(analytics_lake, monkeypatch):
    """Two more paid, unshipped orders due before P5 (ship-by 21:00 and 22:00): three at risk on today's clock;
    with a page of 2 the page lists the two due first and says '2 most urgent of 3'."""
    lake.write(analytics_lake.lake_dir, "orders", [{
        "order_id": f"OH-DUE{h}", "channel": "shopee", "shop_id": "sg1", "platform_order_id": f"DUE{h}",
        "status": "to_ship", "currency": "SGD", "total_cents": 1000, "buyer_id": "b-due",
        "placed_at": local(2, 19), "paid_at": local(2, 19, 5), "ship_by_at": local(2, h),
        "updated_at": local(2, 19, 5), "ingested_at": local(2, 19, 5)} for h in (21, 22)])
    monkeypatch.setattr(tables, "PAGE_ROWS", 2)
    at = open_app(page=PAGE, role="viewer")
    assert not at.exception, at.exception
    assert frame_with(at, "hours_left")["order_id"].tolist() == ["OH-DUE21", "OH-DUE22"]
    assert any("The 2 most urgent of 3 orders at risk" in c.value for c in at.caption), [c.value for c in at.caption]
    formats = [json.loads(d.proto.columns) for d in at.dataframe]  # hours named and to one decimal, not -216.6658
    risk = next(f for f in formats if "hours_left" in f)
    backlog = next(f for f in formats if "hours_to_clear" in f)
    assert risk["hours_left"]["label"] == "Hours left to ship-by"
    assert {risk["hours_left"]["type_config"]["format"], backlog["oldest_h"]["type_config"]["format"],
            backlog["hours_to_clear"]["type_config"]["format"]} == {"%.1f"}
