"""Delivered on time against the platform's promise, worked out by hand on a lake written here.

Local zone Asia/Shanghai. Orders placed on 2026-03-02 local (the scope), all paid 10 minutes after placing:

order  channel  promised (local)  delivered by the carrier (local)  counts?
P1     shopee   03-05 18:00       03-04 10:00                       yes, on time (early)
P2     shopee   03-05 18:00       03-05 18:00                       yes, on time (exactly at the promise)
P3     shopee   03-04 12:00       03-04 15:00                       yes, late
P4     tiktok   03-04 12:00       03-03 09:00                       yes, on time (early)
P5     tiktok   03-04 12:00       –  (shipped only)                 no: not delivered
P6     tiktok   –                 03-03 09:00                       no: no promise
P7     shopee   03-04 12:00       –  (cancelled)                    no: not delivered
P8     tiktok   03-04 12:00       03-06 08:00                       yes, late
Q      shopee   03-02 12:00       03-03 12:00 (late)                no: placed 03-01, outside the scope

Delivered with a promise: P1 P2 P3 P4 P8 = 5; by the promise: P1 P2 P4 = 3 → 3/5 = 0.6.
shopee: P1 P2 of P1 P2 P3 → 2/3; tiktok: P4 of P4 P8 → 1/2.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from models import facts_mart, kpis, lake
from models.analytics.explore import Query, explore
from models.db import connect
from models.ids import event_id
from models.kpis import Scope
from models.schema import ORDERS
from models.settings import Settings
from tests.handmade import local

DAY = Scope(date(2026, 3, 2), date(2026, 3, 2))
AS_OF = local(7, 12)
# key: (channel, placed, promised, delivered, last step when not delivered)
PROMISES = {
    "P1": ("shopee", local(2, 10), local(5, 18), local(4, 10), None),
    "P2": ("shopee", local(2, 11), local(5, 18), local(5, 18), None),
    "P3": ("shopee", local(2, 12), local(4, 12), local(4, 15), None),
    "P4": ("tiktok", local(2, 13), local(4, 12), local(3, 9), None),
    "P5": ("tiktok", local(2, 14), local(4, 12), None, "shipped"),
    "P6": ("tiktok", local(2, 15), None, local(3, 9), None),
    "P7": ("shopee", local(2, 16), local(4, 12), None, "cancelled"),
    "P8": ("tiktok", local(2, 17), local(4, 12), local(6, 8), None),
    "Q": ("shopee", local(1, 12), local(2, 12), local(3, 12), None),
}


def order(key: str, promised: datetime | None, updated: datetime) -> dict:
    channel, placed, _, _, _ = PROMISES[key]
    return {"order_id": f"OH-{key}", "channel": channel, "shop_id": "s1", "platform_order_id": key,
            "status": "x", "raw_status": "X", "currency": "CNY", "total_cents": 1000, "warehouse": "Suzhou",
            "placed_at": placed, "paid_at": placed + timedelta(minutes=10), "promised_delivery_at": promised,
            "updated_at": updated, "ingested_at": updated}


def events(key: str) -> list[dict]:
    _, placed, _, delivered, last = PROMISES[key]
    steps = [("placed", "platform", placed), ("paid", "platform", placed + timedelta(minutes=10))]
    if last == "cancelled":
        steps.append(("cancelled", "platform", placed + timedelta(hours=1)))
    else:
        steps.append(("shipped", "wms", placed + timedelta(hours=6)))
    if delivered is not None:
        steps.append(("delivered", "carrier", delivered))
    oid = f"OH-{key}"
    return [{"event_id": event_id(oid, ev, src, at), "order_id": oid, "event": ev, "source": src,
             "occurred_at": at, "ingested_at": at} for ev, src, at in steps]


@pytest.fixture
def promise_lake(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir)
    lake.write(settings.lake_dir, "orders", [order(k, v[2], v[1] + timedelta(days=1)) for k, v in PROMISES.items()])
    lake.write(settings.lake_dir, "order_events", [row for k in PROMISES for row in events(k)])
    return settings


def rate(settings: Settings, materialize: bool = False, scope: Scope = DAY) -> float | None:
    db = connect(settings, materialize=materialize)
    try:
        return kpis.summary(db, scope, AS_OF)["delivered_on_time_rate"]
    finally:
        db.close()


def test_delivered_on_time_rate_by_hand(promise_lake):
    assert rate(promise_lake) == pytest.approx(3 / 5)
    assert rate(promise_lake, scope=Scope(date(2026, 3, 1), date(2026, 3, 1))) == 0.0  # Q alone: late


def test_no_promise_in_the_scope_is_no_figure_not_zero(promise_lake):
    assert rate(promise_lake, scope=Scope(date(2026, 2, 1), date(2026, 2, 1))) is None


def test_flow_daily_and_explore_use_the_same_definition(promise_lake):
    db = connect(promise_lake)
    try:
        daily = kpis.run(db, "flow_daily", DAY, AS_OF)
        by_channel = explore(db, DAY, Query(by1="channel"), AS_OF).set_index("g1")["delivered_on_time_rate"]
    finally:
        db.close()
    assert daily["delivered_on_time_rate"].tolist() == pytest.approx([3 / 5])
    assert by_channel.to_dict() == pytest.approx({"shopee": 2 / 3, "tiktok": 1 / 2})


def test_the_mart_carries_the_promise_through_an_incremental_refresh(promise_lake):
    assert rate(promise_lake, materialize=True) == pytest.approx(3 / 5)
    # a new version of P3 with a later promise makes it on time; P5 is delivered late
    lake.write(promise_lake.lake_dir, "orders", [order("P3", local(4, 16), local(6, 9))])
    lake.write(promise_lake.lake_dir, "order_events", [
        {"event_id": "EV-P5", "order_id": "OH-P5", "event": "delivered", "source": "carrier",
         "occurred_at": local(5, 9), "ingested_at": local(5, 9)}])
    assert rate(promise_lake, materialize=True) == pytest.approx(4 / 6)  # P1 P2 P3 P4 of P1-P5 and P8
    m = facts_mart.read_manifest(facts_mart.mart_dir(promise_lake))
    assert m is not None and (m.mode, m.recomputed) == ("incremental", 2)
    stored = pd.concat(pd.read_parquet(p) for p in m.paths(facts_mart.mart_dir(promise_lake)))
    got = stored.set_index("order_id")["promised_delivery_at"]
    assert got["OH-P3"] == pd.Timestamp(local(4, 16)) and pd.isna(got["OH-P6"])


def test_orders_written_before_the_column_read_as_without_promise_and_compact(data_dir):
    settings = Settings(data_dir=data_dir)
    old = pa.schema([f for f in ORDERS.schema if f.name != "promised_delivery_at"])
    folder = lake.table_dir(settings.lake_dir, "orders") / "month=2026-03"
    folder.mkdir(parents=True)
    row = {k: v for k, v in order("P1", None, local(3, 9)).items() if k != "promised_delivery_at"}
    pq.write_table(pa.Table.from_pylist([row], schema=old), folder / "old.parquet")
    lake.write(settings.lake_dir, "order_events", events("P1"))
    db = connect(settings)
    try:
        promised = db.con.execute("select promised_delivery_at from order_facts").fetchall()
    finally:
        db.close()
    assert promised == [(None,)] and rate(settings) is None
    lake.write(settings.lake_dir, "orders", [order("P1", local(5, 18), local(4, 9))])  # a version with it
    report = lake.compact(settings.lake_dir, "orders")
    assert (report.files_before, report.files_after, report.rows_after) == (2, 1, 2)
    assert rate(settings) == 1.0  # P1 delivered 03-04 10:00, promised 03-05 18:00
