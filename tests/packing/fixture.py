"""A hand-made lake for the packing station and the pick lists; outcomes worked out in tests/packing/.

Every order is tmall/t1; times are 2026-03-02 local (Asia/Shanghai).

order  warehouse  status      paid   lines (gift *)      notes
P1     Suzhou     allocated   08:00  A×2, G×1*           tracking SF001
P2     Suzhou     allocated   10:00  B×1
P3     Suzhou     cancelled   09:00  A×1
P4     Suzhou     allocated   09:00  A×5                 open manual_review: on hold
P5     Suzhou     packed      07:00  B×2
P6     Hefei      allocated   08:00  A×1, C×1
P7     Suzhou     picked      07:00  C×1
P8     Suzhou     allocated   13:00  A×1, G×2*           platform order id PLAT-8
"""

from __future__ import annotations

from pathlib import Path

from models import lake
from models.ids import event_id
from tests.handmade import local

# id: (warehouse, status, paid hour, lines [(sku, qty, is_gift)], extras)
ORDERS: dict[str, tuple] = {
    "P1": ("Suzhou", "allocated", 8, [("A", 2, False), ("G", 1, True)], {"tracking_no": "SF001"}),
    "P2": ("Suzhou", "allocated", 10, [("B", 1, False)], {}),
    "P3": ("Suzhou", "cancelled", 9, [("A", 1, False)], {}),
    "P4": ("Suzhou", "allocated", 9, [("A", 5, False)], {}),
    "P5": ("Suzhou", "packed", 7, [("B", 2, False)], {}),
    "P6": ("Hefei", "allocated", 8, [("A", 1, False), ("C", 1, False)], {}),
    "P7": ("Suzhou", "picked", 7, [("C", 1, False)], {}),
    "P8": ("Suzhou", "allocated", 13, [("A", 1, False), ("G", 2, True)], {}),
}
PLATFORM_IDS = {"P8": "PLAT-8"}


def oid(key: str) -> str:
    return f"OH-{key}"


def order_row(key: str) -> dict:
    warehouse, status, hour, _, extras = ORDERS[key]
    paid = local(2, hour)
    return {"order_id": oid(key), "channel": "tmall", "shop_id": "t1",
            "platform_order_id": PLATFORM_IDS.get(key, f"PF-{key}"), "status": status, "raw_status": status,
            "currency": "CNY", "total_cents": 10000, "receiver_name": "演示买家", "receiver_phone": "13812345678",
            "receiver_province": "浙江", "receiver_city": "杭州", "receiver_address": "演示路1号",
            "warehouse": warehouse, "carrier": "SF", "placed_at": paid, "paid_at": paid, "updated_at": paid,
            "ingested_at": paid, **extras}


def line_rows(key: str) -> list[dict]:
    paid = local(2, ORDERS[key][2])
    return [{"order_id": oid(key), "line_no": i, "sku": sku, "title": f"item {sku}", "category": "demo",
             "qty": qty, "unit_price_cents": 0 if gift else 5000, "currency": "CNY", "is_gift": gift,
             "placed_at": paid, "updated_at": paid, "ingested_at": paid}
            for i, (sku, qty, gift) in enumerate(ORDERS[key][3], start=1)]


def event_rows(key: str) -> list[dict]:
    paid = local(2, ORDERS[key][2])
    return [{"event_id": event_id(oid(key), ev, "platform", paid), "order_id": oid(key), "event": ev,
             "source": "platform", "occurred_at": paid, "ingested_at": paid} for ev in ("placed", "paid")]


def hold_row() -> dict:
    at = local(2, 9, 5)
    return {"exception_id": "EX-HOLD-P4", "order_id": oid("P4"), "type": "manual_review", "severity": "high",
            "rule_id": "int-review", "status": "open", "detected_at": at, "due_at": local(2, 9, 35),
            "source": "rules", "updated_at": at, "ingested_at": at}


def build(lake_dir: Path) -> None:
    """Write the lake described above."""
    lake.write(lake_dir, "orders", [order_row(k) for k in ORDERS])
    lake.write(lake_dir, "order_lines", [row for k in ORDERS for row in line_rows(k)])
    lake.write(lake_dir, "order_events", [row for k in ORDERS for row in event_rows(k)])
    lake.write(lake_dir, "exceptions", [hold_row()])
