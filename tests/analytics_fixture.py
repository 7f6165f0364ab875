"""A small lake for the analytics KPIs, every figure worked out by hand in tests/models/test_analytics_*.py.

Local zone Asia/Shanghai (UTC+8). The scope is Monday 2026-03-02; "now" (as_of) is 03-02 23:00 local.

order  channel/warehouse  placed  paid   review        alloc  pick   pack   shipped (source)                 ship-by
P1     shopee/Suzhou      10:00   10:10  10:20         11:00  12:00  13:00  14:00 wms, 14:03:00 carrier (180 s)  18:00
P2     tmall/Hefei        10:30   10:40  10:50, 11:30  11:00  13:00  16:00  17:00 wms, 17:03:01 carrier (181 s)  16:00
P3     tmall/Hefei        10:45   10:50  –             11:10  12:10  12:40  15:00 wms only                       18:00
P4     shopee/Suzhou      11:00   11:05  11:10         11:20  12:20  12:00  13:00 wms, 13:01 carrier, 13:00:40 platform
P5     shopee/Suzhou      20:00   20:05  –             20:30  –      –      – (waits to be picked)            23:30
(P2 is re-reviewed after allocation: a loop. P4 was packed before it was picked: out of order. P3's status is
'unknown' (raw 'WEIRD'). P1 is stored in two versions.)

Earlier Mondays, 10:xx local (the capacity baseline, no events): 02-23: 2 orders (Q1 tmall/Hefei with picked
12:00 → packed 13:00, and a jd order), 02-16: 1 + one at 11:15, 02-09: 2, 02-02: 1 (all jd/Chengdu).

Exceptions: X1 sync_failure on P1 detected 21:00 open; X2 out_of_stock (R-STOCK-01) on P2 detected 11:10 open;
X3 address_invalid (R-ADDR-01) on P3 detected 10:55, resolved 12:55; X4 out_of_stock on P4 detected 21:30
in progress. Actions: P1 note on the order 12:00 (no exception before it); P2 reroute_warehouse on the order
11:20 (ASOF → X2); P3 resolve of exception X3 12:55.
Returns: P1 2 × size_too_small (apparel) 20:00; P3 1 × damaged_in_transit (home) 21:00; Q1 1 × changed_mind
(apparel) on 03-01 12:00 (the previous period of a one-day scope).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from models import lake
from models.ids import event_id
from tests.handmade import local

AS_OF = local(2, 23)
SECOND = timedelta(seconds=1)

# key: (channel, warehouse, placed, ship_by, status, phone)
ORDERS = {
    "P1": ("shopee", "Suzhou", local(2, 10), local(2, 18), "shipped", "13800000001"),
    "P2": ("tmall", "Hefei", local(2, 10, 30), local(2, 16), "shipped", None),
    "P3": ("tmall", "Hefei", local(2, 10, 45), local(2, 18), "unknown", None),
    "P4": ("shopee", "Suzhou", local(2, 11), local(2, 18), "shipped", "13800000004"),
    "P5": ("shopee", "Suzhou", local(2, 20), local(2, 23, 30), "allocated", "13800000005"),
    "Q1": ("tmall", "Hefei", local(23, 10, 15, month=2), None, "shipped", None),
    "Q2": ("jd", "Chengdu", local(23, 10, 20, month=2), None, "pending_payment", None),
    "Q3": ("jd", "Chengdu", local(16, 10, 15, month=2), None, "pending_payment", None),
    "Q4": ("jd", "Chengdu", local(16, 11, 15, month=2), None, "pending_payment", None),
    "Q5": ("jd", "Chengdu", local(9, 10, 15, month=2), None, "pending_payment", None),
    "Q6": ("jd", "Chengdu", local(9, 10, 40, month=2), None, "pending_payment", None),
    "Q7": ("jd", "Chengdu", local(2, 10, 5, month=2), None, "pending_payment", None),
}

EVENTS: dict[str, list[tuple[str, str, datetime]]] = {
    "P1": [("placed", "platform", local(2, 10)), ("paid", "platform", local(2, 10, 10)),
           ("reviewed", "oms", local(2, 10, 20)), ("allocated", "oms", local(2, 11)), ("picked", "wms", local(2, 12)),
           ("packed", "wms", local(2, 13)), ("shipped", "wms", local(2, 14)), ("shipped", "carrier", local(2, 14, 3))],
    "P2": [("placed", "platform", local(2, 10, 30)), ("paid", "platform", local(2, 10, 40)),
           ("reviewed", "oms", local(2, 10, 50)), ("allocated", "oms", local(2, 11)),
           ("reviewed", "oms", local(2, 11, 30)), ("picked", "wms", local(2, 13)), ("packed", "wms", local(2, 16)),
           ("shipped", "wms", local(2, 17)), ("shipped", "carrier", local(2, 17, 3) + SECOND)],
    "P3": [("placed", "platform", local(2, 10, 45)), ("paid", "platform", local(2, 10, 50)),
           ("allocated", "oms", local(2, 11, 10)), ("picked", "wms", local(2, 12, 10)),
           ("packed", "wms", local(2, 12, 40)), ("shipped", "wms", local(2, 15))],
    "P4": [("placed", "platform", local(2, 11)), ("paid", "platform", local(2, 11, 5)),
           ("reviewed", "oms", local(2, 11, 10)), ("allocated", "oms", local(2, 11, 20)),
           ("picked", "wms", local(2, 12, 20)), ("packed", "wms", local(2, 12)), ("shipped", "wms", local(2, 13)),
           ("shipped", "carrier", local(2, 13, 1)), ("shipped", "platform", local(2, 13) + 40 * SECOND)],
    "P5": [("placed", "platform", local(2, 20)), ("paid", "platform", local(2, 20, 5)),
           ("allocated", "oms", local(2, 20, 30))],
    "Q1": [("placed", "platform", local(23, 10, 15, month=2)), ("picked", "wms", local(23, 12, month=2)),
           ("packed", "wms", local(23, 13, month=2))],
}


def _order(key: str, status: str | None = None, stamp: datetime | None = None) -> dict:
    channel, warehouse, placed, ship_by, final, phone = ORDERS[key]
    paid = next((at for ev, _, at in EVENTS.get(key, []) if ev == "paid"), None)
    stamp = stamp or placed + timedelta(days=1)
    return {"order_id": f"OH-{key}", "channel": channel, "shop_id": f"{channel}-1", "platform_order_id": key,
            "status": status or final, "raw_status": "WEIRD" if final == "unknown" else final, "currency": "CNY",
            "total_cents": 10000, "receiver_phone": phone, "warehouse": warehouse, "placed_at": placed,
            "paid_at": paid, "ship_by_at": ship_by, "updated_at": stamp, "ingested_at": stamp}


def _events(key: str) -> list[dict]:
    oid = f"OH-{key}"
    return [{"event_id": event_id(oid, ev, src, at), "order_id": oid, "event": ev, "source": src,
             "occurred_at": at, "ingested_at": at} for ev, src, at in EVENTS[key]]


def _exception(xid: str, key: str, kind: str, rule: str, detected: datetime, status: str,
               resolved: datetime | None = None) -> dict:
    stamp = resolved or detected
    return {"exception_id": xid, "order_id": f"OH-{key}", "type": kind, "rule_id": rule, "severity": "high",
            "status": status, "detected_at": detected, "due_at": detected + timedelta(hours=2),
            "resolved_at": resolved, "updated_at": stamp, "ingested_at": stamp}


def _action(aid: str, key: str, action: str, target_type: str, target_id: str, at: datetime) -> dict:
    return {"action_id": aid, "occurred_at": at, "user": "ops.demo", "role": "ops", "action": action,
            "target_type": target_type, "target_id": target_id, "order_id": f"OH-{key}"}


def _return(rid: str, key: str, reason: str, category: str, qty: int, at: datetime) -> dict:
    return {"return_id": rid, "line_no": 1, "order_id": f"OH-{key}", "sku": "SKU", "category": category,
            "reason_code": reason, "qty": qty, "requested_at": at}


def build(lake_dir: Path) -> None:
    """Write the lake described in the module docstring."""
    lake.write(lake_dir, "orders", [_order("P1", status="to_ship", stamp=local(2, 10, 5))])
    lake.write(lake_dir, "orders", [_order(k) for k in ORDERS])
    lake.write(lake_dir, "order_events", [row for key in EVENTS for row in _events(key)])
    lake.write(lake_dir, "exceptions", [
        _exception("X1", "P1", "sync_failure", "R-SYNC-01", local(2, 21), "open"),
        _exception("X2", "P2", "out_of_stock", "R-STOCK-01", local(2, 11, 10), "open"),
        _exception("X3", "P3", "address_invalid", "R-ADDR-01", local(2, 10, 55), "open"),
        _exception("X3", "P3", "address_invalid", "R-ADDR-01", local(2, 10, 55), "resolved", local(2, 12, 55)),
        _exception("X4", "P4", "out_of_stock", "R-STOCK-01", local(2, 21, 30), "in_progress"),
    ])
    lake.write(lake_dir, "actions", [
        _action("A1", "P1", "note", "order", "OH-P1", local(2, 12)),
        _action("A2", "P2", "reroute_warehouse", "order", "OH-P2", local(2, 11, 20)),
        _action("A3", "P3", "resolve", "exception", "X3", local(2, 12, 55)),
    ])
    lake.write(lake_dir, "returns", [
        _return("R1", "P1", "size_too_small", "apparel", 2, local(2, 20)),
        _return("R2", "P3", "damaged_in_transit", "home", 1, local(2, 21)),
        _return("R3", "Q1", "changed_mind", "apparel", 1, local(1, 12)),
    ])
