"""A tiny lake written by hand, whose every KPI is worked out on paper in tests/models/test_kpis.py.

Local zone Asia/Shanghai (UTC+8, no DST). Scope: orders placed on 2026-03-02 local.

order  channel/warehouse  amount      placed       paid   then                                     shipped
A      shopee/Suzhou      100.00 CNY  10:00        10:10  rev 10:20 alloc 11 pick 13 pack 14  16:10 (+carrier 16:12)
B      tmall/Hefei        250.00 CNY  12:00        12:30  rev 12:40 alloc 13:00 pick 15:00 pack 17:00  20:30 (due 18:00)
C      shopee/Suzhou      20.00 USD   18:00        18:05  no review; +1d alloc 09:00 pick 10 pack 11   +1d 12:05
D      jd/Chengdu         50.00 CNY   20:00        never  cancelled 21:00                          –
E      douyin/Hefei       80.00 CNY   09:00        09:01  pick 10:00, pack 09:30 (out of order)    11:01
F      shopee/Suzhou      60.00 CNY   02-23 09:00  09:00  (previous week)                          19:00
G      tmall/Hefei        70.00 CNY   03-03 00:30  –      (just outside the scope: tz boundary)    –

B has a wrong_item exception and a human action. A has an older order version (status to_ship) that the
current one (shipped) supersedes, and its events are written twice (re-ingest).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from models import lake
from models.ids import event_id

LOCAL = timedelta(hours=8)


def local(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A Shanghai wall-clock time on 2026-<month>-<day>, as a UTC instant."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - LOCAL


ORDERS = {
    # id: (channel, shop, warehouse, currency, total_cents, placed, paid, ship_by, status)
    "A": ("shopee", "s1", "Suzhou", "CNY", 10000, local(2, 10), local(2, 10, 10), local(3, 10, 10), "shipped"),
    "B": ("tmall", "t1", "Hefei", "CNY", 25000, local(2, 12), local(2, 12, 30), local(2, 18), "shipped"),
    "C": ("shopee", "s2", "Suzhou", "USD", 2000, local(2, 18), local(2, 18, 5), local(4, 18, 5), "shipped"),
    "D": ("jd", "j1", "Chengdu", "CNY", 5000, local(2, 20), None, None, "cancelled"),
    "E": ("douyin", "d1", "Hefei", "CNY", 8000, local(2, 9), local(2, 9, 1), local(3, 9, 1), "shipped"),
    "F": ("shopee", "s1", "Suzhou", "CNY", 6000, local(23, 9, month=2), local(23, 9, month=2),
          local(24, 9, month=2), "shipped"),
    "G": ("tmall", "t1", "Hefei", "CNY", 7000, local(3, 0, 30), None, None, "pending_payment"),
}

EVENTS = {
    "A": [("placed", "platform", local(2, 10)), ("paid", "platform", local(2, 10, 10)),
          ("reviewed", "oms", local(2, 10, 20)), ("allocated", "oms", local(2, 11)),
          ("picked", "wms", local(2, 13)), ("packed", "wms", local(2, 14)),
          ("shipped", "wms", local(2, 16, 10)), ("shipped", "carrier", local(2, 16, 12))],
    "B": [("placed", "platform", local(2, 12)), ("paid", "platform", local(2, 12, 30)),
          ("reviewed", "oms", local(2, 12, 40)), ("allocated", "oms", local(2, 13)),
          ("picked", "wms", local(2, 15)), ("packed", "wms", local(2, 17)), ("shipped", "wms", local(2, 20, 30))],
    "C": [("placed", "platform", local(2, 18)), ("paid", "platform", local(2, 18, 5)),
          ("allocated", "oms", local(3, 9)), ("picked", "wms", local(3, 10)), ("packed", "wms", local(3, 11)),
          ("shipped", "wms", local(3, 12, 5))],
    "D": [("placed", "platform", local(2, 20)), ("cancelled", "platform", local(2, 21))],
    "E": [("placed", "platform", local(2, 9)), ("paid", "platform", local(2, 9, 1)),
          ("picked", "wms", local(2, 10)), ("packed", "wms", local(2, 9, 30)), ("shipped", "wms", local(2, 11, 1))],
    "F": [("placed", "platform", local(23, 9, month=2)), ("paid", "platform", local(23, 9, month=2)),
          ("shipped", "wms", local(23, 19, month=2))],
    "G": [("placed", "platform", local(3, 0, 30))],
}


def order_row(key: str, status: str | None = None, updated_at: datetime | None = None) -> dict:
    channel, shop, wh, cur, cents, placed, paid, ship_by, final_status = ORDERS[key]
    stamp = updated_at or placed + timedelta(days=2)
    return {
        "order_id": f"OH-{key}", "channel": channel, "shop_id": shop, "platform_order_id": key,
        "status": status or final_status, "raw_status": "X", "currency": cur, "total_cents": cents,
        "receiver_phone": "13800001234", "receiver_province": "浙江", "warehouse": wh,
        "placed_at": placed, "paid_at": paid, "ship_by_at": ship_by, "updated_at": stamp, "ingested_at": stamp,
    }


def event_rows(key: str) -> list[dict]:
    oid = f"OH-{key}"
    return [{"event_id": event_id(oid, ev, src, at), "order_id": oid, "event": ev, "source": src,
             "occurred_at": at, "ingested_at": at} for ev, src, at in EVENTS[key]]


def build(lake_dir: Path) -> None:
    """Write the hand-made lake: several files per table, an old version and a re-ingest included."""
    lake.write(lake_dir, "orders", [order_row("A", status="to_ship", updated_at=local(2, 10, 30))])
    lake.write(lake_dir, "orders", [order_row(k) for k in ORDERS])
    for key in ORDERS:
        lake.write(lake_dir, "order_events", event_rows(key))
    lake.write(lake_dir, "order_events", event_rows("A"))  # the same payload ingested again
    lake.write(lake_dir, "exceptions", [
        {"exception_id": "X1", "order_id": "OH-B", "type": "wrong_item", "severity": "high", "status": "open",
         "detected_at": local(3, 9), "due_at": local(3, 13), "updated_at": local(3, 9), "ingested_at": local(3, 9)},
        {"exception_id": "X1", "order_id": "OH-B", "type": "wrong_item", "severity": "high", "status": "resolved",
         "detected_at": local(3, 9), "due_at": local(3, 13), "resolved_at": local(3, 11),
         "updated_at": local(3, 11), "ingested_at": local(3, 11)},
        {"exception_id": "X2", "order_id": "OH-D", "type": "payment_failed", "severity": "low", "status": "open",
         "detected_at": local(2, 20, 30), "due_at": local(2, 22), "updated_at": local(2, 20, 30),
         "ingested_at": local(2, 20, 30)},
    ])
    lake.write(lake_dir, "actions", [
        {"action_id": "A1", "occurred_at": local(3, 10), "user": "ops.demo", "role": "ops", "action": "resolve",
         "target_type": "exception", "target_id": "X1", "order_id": "OH-B", "reason": "resent item"},
    ])


def add_rush_hour(lake_dir: Path) -> None:
    """Two more orders at Mon 03-02 09:10 and 09:20 local: that hour holds 3 (with E) against a baseline of 1
    (F, 02-23 09:00, the only Monday within the lake's history), over the 2 × 1 capacity line."""
    rush = [{**order_row("E"), "order_id": f"OH-RUSH{i}", "platform_order_id": f"RUSH{i}",
             "placed_at": local(2, 9, minute)} for i, minute in ((1, 10), (2, 20))]
    lake.write(lake_dir, "orders", rush)


# Promised delivery (key: promised, delivered by the carrier), laid over the lake by add_promises:
# this week A on time and B late of the delivered orders with a promise (C not delivered, E no promise)
# → 1/2; last week F on time → 1/1.
PROMISES = {
    "A": (local(4, 18), local(3, 15)),
    "B": (local(3, 12), local(4, 10)),
    "C": (local(5, 18), None),
    "E": (None, local(3, 9)),
    "F": (local(25, 9, month=2), local(24, 12, month=2)),
}


def add_promises(lake_dir: Path) -> None:
    """A later version of each order above carrying its promise, and the carrier's delivered events."""
    versions = []
    for key, (promised, _) in PROMISES.items():
        row = order_row(key)
        versions.append({**row, "promised_delivery_at": promised, "updated_at": row["updated_at"] + timedelta(days=1)})
    lake.write(lake_dir, "orders", versions)
    lake.write(lake_dir, "order_events", [
        {"event_id": event_id(f"OH-{key}", "delivered", "carrier", at), "order_id": f"OH-{key}",
         "event": "delivered", "source": "carrier", "occurred_at": at, "ingested_at": at}
        for key, (_, at) in PROMISES.items() if at is not None])
