"""AppTest of access scopes on every surface: a scoped user sees only their channels, shops and warehouses.

Expected figures are counted from the fixtures' own tables (tests/handmade.py, tests/analytics_fixture.py,
tests/triage_fixture.py with the routes tests/models/test_rules.py works out), not from the code under test.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from models import actions, auth, channel_state, lake, triage
from models.access import NOTHING, Access
from models.auth import User
from models.db import connect
from models.kpis import Scope
from models.rules.apply import route_batch
from models.versions import latest
from tests import analytics_fixture as af
from tests import handmade
from tests import triage_fixture as tf
from tests.pages.analytics_helpers import frame_with
from tests.pages.helpers import open_app, shown

MONDAY = date(2026, 3, 2)
KPI_PAGES = ("overview", "flow", "exceptions", "manual", "capacity", "returns", "data_quality", "explore")
# Routes of the triage fixture's orders (tests/models/test_rules.py); T6, T7 and T15 stay unrouted.
ROUTED = {"T1": "Suzhou", "T2": "Hefei", "T3": "Hefei", "T4": "Suzhou", "T5": "Shanghai-Cold", "T8": "Hefei",
          "T9": "Hefei", "T10": "Hefei", "T11": "Hefei", "T12": "Hefei", "T13": "Suzhou", "T14": "Suzhou"}


def _as(access: Access, role: str = "ops", **kwargs):
    """open_app signed in as a user of `role` with this access."""
    return open_app(role=role, access=access, **kwargs)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _handmade_orders(first: date, last: date, channel: str | None = None) -> int:
    """Orders of tests/handmade.py placed on local (UTC+8) days first…last, in a channel (None: any)."""
    return sum(1 for c, _, _, _, _, placed, *_ in handmade.ORDERS.values()
               if channel in (None, c) and first <= (placed + handmade.LOCAL).date() <= last)



@pytest.fixture
def routed(triage_lake):
    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    return triage_lake


def test_overview_counts_only_the_users_channel(handmade_lake):
    everyone = open_app()
    scoped = _as(Access(channels=("shopee",)))
    assert not scoped.exception, scoped.exception
    assert _metrics(everyone)["Orders"] == "5"
    assert _metrics(scoped)["Orders"] == str(_handmade_orders(MONDAY, MONDAY, "shopee")) == "2"  # A and C
    assert scoped.multiselect(key="channels").options == ["Shopee"]  # the sidebar offers only it
    assert any("Channels: shopee" in c.value for c in scoped.caption)


def test_a_linked_channel_outside_the_access_is_dropped_not_shown(handmade_lake):
    at = _as(Access(channels=("shopee",)), channels=["tmall"])  # e.g. from ?channel=tmall
    assert not at.exception, at.exception
    assert at.multiselect(key="channels").value == []
    assert _metrics(at)["Orders"] == "2"


def test_a_picked_channel_outside_the_access_selects_nothing(handmade_lake):
    assert Access(channels=("shopee",)).narrow(Scope(MONDAY, MONDAY, ("tmall",))).channels == (NOTHING,)
    at = _as(Access(channels=("shopee",), warehouses=("Hefei",)))  # shopee orders are all Suzhou's
    assert any("No orders" in i.value for i in at.info)


@pytest.mark.parametrize("page", KPI_PAGES)
def test_every_kpi_page_reads_the_scope_cut_to_the_access(analytics_lake, page):
    at = _as(Access(channels=("tmall",)), page=f"pages/{page}.py")
    assert not at.exception, at.exception
    assert at.session_state["scope"].channels == ("tmall",)


def test_explore_shows_only_in_access_orders_and_groups(analytics_lake):
    tmall = sorted(f"OH-{k}" for k, (c, _, placed, *_) in af.ORDERS.items()
                   if c == "tmall" and (placed + handmade.LOCAL).date() == MONDAY)
    at = _as(Access(channels=("tmall",)), page="pages/explore.py", ex_by1="channel", ex_measure="orders")
    assert not at.exception, at.exception
    table = frame_with(at, "g1")
    assert dict(zip(table["g1"], table["orders"], strict=True)) == {"Tmall": len(tmall)}  # named as people read it
    assert sorted(frame_with(at, "has_action")["order_id"]) == tmall == ["OH-P2", "OH-P3"]


def test_flow_figures_follow_the_access(analytics_lake):
    at = _as(Access(channels=("tmall",)), page="pages/flow.py")
    # tmall on 03-02: P2 (re-reviewed after allocation: a loop) and P3 → 1 of 2
    assert _metrics(at)["Orders looping back"] == "50.0%"


def test_data_quality_hides_lake_wide_duplicate_counts_from_a_scoped_user(analytics_lake):
    scoped = _as(Access(channels=("tmall",)), page="pages/data_quality.py")
    assert not scoped.exception, scoped.exception
    assert not [t for t in scoped.toggle if t.key == "dq_count_duplicates"]
    assert any("Lake-wide figure" in c.value for c in scoped.caption)
    assert [t for t in open_app(page="pages/data_quality.py").toggle if t.key == "dq_count_duplicates"]


def test_queue_lists_only_exceptions_of_orders_in_access(routed):
    everything = frame_with(open_app(role="ops", page="pages/queue.py"), "exception_id")
    at = _as(Access(warehouses=("Hefei",)), page="pages/queue.py")
    assert not at.exception, at.exception
    hefei = {f"OH-{k}" for k, w in ROUTED.items() if w == "Hefei"}
    orders = everything["order"].astype(str).str.extract(r"(OH-[A-Z0-9]+)")[0]  # the order column links the order
    expected = sorted(everything.loc[orders.isin(hefei), "exception_id"])
    shown_ids = list(frame_with(at, "exception_id")["exception_id"])
    assert sorted(shown_ids) == expected and len(expected) == 3  # T8, T10, T12
    assert at.multiselect(key="act_ids").options == shown_ids
    other = _as(Access(channels=("shopee",)), page="pages/queue.py")  # the fixture is all tmall
    assert not [f for f in other.dataframe if "exception_id" in f.value.columns]  # no queue table at all
    assert "No exception matches these filters." in other.info[0].value


def test_order_detail_refuses_an_order_outside_the_access(routed):
    hefei = Access(warehouses=("Hefei",))
    for order_id in ("OH-T1", "OH-NOSUCH"):  # Suzhou's, and one the lake does not hold: told the same
        at = _as(hefei, page="pages/order.py", order_id=order_id)
        assert not at.exception, at.exception
        assert f"Order {order_id} not found or not in your access." in [shown(w.value) for w in at.warning]
        assert not at.dataframe and not at.metric and not at.code
    at = _as(hefei, page="pages/order.py", order_id="OH-T8")
    assert [shown(m.value) for m in at.metric][:3] == ["To ship", "Tmall", "Hefei"]  # names, not keys
    assert _reroute_field(at, "warehouse").options == ["", "Hefei"]  # re-route only within the access


def _reroute_field(at, name: str):
    """A widget of the order's re-route form (keyed by order and version: ui.triage.form_key)."""
    widgets = [*at.selectbox, *at.text_input]
    return next(w for w in widgets if w.key.startswith("reroute:") and w.key.endswith(f":{name}"))


def test_order_form_inside_the_access_saves(routed):
    at = _as(Access(warehouses=("Suzhou",)), page="pages/order.py", order_id="OH-T1")
    _reroute_field(at, "warehouse").set_value("Suzhou")
    _reroute_field(at, "carrier").input("ZTO")
    next(b for b in at.button if b.form_id.startswith("reroute:")).click().run()
    assert not at.error, at.error  # inside the access: saved
    assert latest(routed.lake_dir, "orders", ["OH-T1"])["OH-T1"]["carrier"] == "ZTO"


def test_audit_and_its_export_hold_only_in_access_rows(routed, media):
    ops = User("olga", "ops")
    for order_id in ("OH-T1", "OH-T8"):  # Suzhou's and Hefei's
        version = latest(routed.lake_dir, "orders", [order_id])[order_id]["ingested_at"]
        triage.reroute(routed, ops, order_id, version, carrier="ZTO")
    actions.record(routed.lake_dir, None, "login_failed", "user", "mallory", reason="wrong password")
    dates = (date(2000, 1, 1), date(2100, 1, 1))
    everything = open_app(role="ops", page="pages/audit.py", audit_dates=dates).dataframe[0].value
    assert len(everything) == 3
    at = _as(Access(warehouses=("Hefei",)), page="pages/audit.py", audit_dates=dates)
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert list(shown["order_id"]) == ["OH-T8"]
    csv = _download(media, at.get("download_button")[0])
    assert "OH-T8" in csv and "OH-T1" not in csv and "mallory" not in csv


@pytest.fixture
def media(monkeypatch) -> list[MemoryMediaFileStorage]:
    """The in-memory media stores AppTest creates (where download buttons keep their bytes)."""
    stores: list[MemoryMediaFileStorage] = []

    class Kept(MemoryMediaFileStorage):
        def __init__(self, endpoint: str) -> None:
            super().__init__(endpoint)
            stores.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Kept)
    return stores


def _download(media: list[MemoryMediaFileStorage], button) -> str:
    """The text a download button serves."""
    return media[-1].get_file(button.proto.url.rsplit("/", 1)[-1]).content.decode("utf-8")


def test_channels_page_lists_only_the_users_feeds(handmade_lake):
    lake.write(handmade_lake.lake_dir, "channel_runs", [
        {"run_id": f"R-{c}-{shop}", "channel": c, "shop_id": shop, "started_at": handmade.local(3, 8),
         "finished_at": handmade.local(3, 8, 1), "outcome": "ok", "watermark": handmade.local(3, 8)}
        for c, shop in (("shopee", "s1"), ("shopee", "s2"), ("tmall", "t1"))])
    at = _as(Access(channels=("shopee",), shops=("s2",)), page="pages/channels.py")
    assert not at.exception, at.exception
    health = frame_with(at, "shop_id")
    assert list(zip(health["channel_name"], health["shop_id"], strict=True)) == [("Shopee", "s2")]


def test_a_paused_feed_is_shown_and_resumable_only_within_the_access(handmade_lake):
    for c, shop in (("shopee", "s1"), ("tmall", "t1")):
        channel_state.pause(handmade_lake, c, shop, "drift", f"R-{c}", handmade.local(3, 8))
    shopee = _as(Access(channels=("shopee",)), page="pages/channels.py")
    assert [w.value.split("**")[1] for w in shopee.warning] == ["Shopee / s1"]
    assert [b.key for b in shopee.button if b.key.startswith("resume-")] == ["resume-shopee/s1"]
    # a warehouse-scoped user sees the feed but may not resume it: it brings every warehouse's orders
    suzhou = _as(Access(channels=("shopee",), warehouses=("Suzhou",)), page="pages/channels.py")
    assert len(suzhou.warning) == 1 and not [b for b in suzhou.button if b.key.startswith("resume-")]


def test_snapshot_preview_is_cut_to_a_scoped_admins_access(handmade_lake):
    from reports import weekly

    db = connect(handmade_lake)
    snap = weekly.build(db, MONDAY, access=Access(channels=("shopee",)))
    sunday = date(2026, 3, 8)
    assert snap.row["orders"].now_value == _handmade_orders(MONDAY, sunday, "shopee") == 2  # A and C
    assert weekly.build(db, MONDAY).row["orders"].now_value == _handmade_orders(MONDAY, sunday) == 6  # all
    at = _as(Access(channels=("shopee",)), role="admin", page="pages/snapshot.py")
    at.toggle(key="snapshot_show_preview").set_value(True).run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.key == "snapshot_send"]  # the e-mail covers everything
    assert any("The preview shows your access only" in i.value for i in at.info)
    assert not at.dataframe  # the alert and delivery lists are the whole lake's


def test_users_page_sets_a_scope_and_audits_it(handmade_lake):
    auth.add_user("amy", "ops", "amy's password", handmade_lake)
    at = open_app(role="admin", page="pages/users.py", dates=None)
    at.selectbox(key="us_name").set_value("amy").run()
    assert at.multiselect(key="us_channels_amy").options == ["Douyin", "JD", "Shopee", "Tmall"]  # by name
    at.multiselect(key="us_channels_amy").set_value(["shopee"])
    at.multiselect(key="us_warehouses_amy").set_value(["Suzhou"])
    next(b for b in at.button if b.form_id == "user_scope_amy").click().run()
    assert not at.exception, at.exception
    assert auth.verify("amy", "amy's password", handmade_lake).access == Access(("shopee",), (), ("Suzhou",))
    rows = connect(handmade_lake).con.execute(
        "select \"user\", action, target_id, before, after from actions where action = 'scope_changed'").fetchall()
    assert [(u, a, tgt, json.loads(b), json.loads(af_)) for u, a, tgt, b, af_ in rows] == [
        ("test.admin", "scope_changed", "amy", {"channels": [], "shops": [], "warehouses": []},
         {"channels": ["shopee"], "shops": [], "warehouses": ["Suzhou"]})]
