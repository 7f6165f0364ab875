"""Available-to-sell on a hand-made sequence; every figure worked out in the comments.

SKU A at Suzhou: counted 10 at 08:00 (safety 2); receipt +5 at 09:00; a transfer_out −1 at 07:00 (before the
count, so already inside it); a feed `shipment` −4 at 10:00 (left out: order shipments come from the
reservations). Reservations: o1 reserved 2 (paid, not picked), o2 reserved 3 then picked (allocated),
o3 reserved 1 then shipped at 11:00 (after the count: on hand − 1), o4 reserved 1 and cancelled (nothing).
  on hand = 10 + 5 − 1 = 14; reserved 2; allocated 3; safety 2; available = 14 − 2 − 3 − 2 = 7.
SKU A at Hefei: no count, movements only: receipt +4; o5 reserved 1. on hand 4, available 4 − 1 = 3.
Pool A: on hand 18, reserved 3, allocated 3, safety 2, available 18 − 3 − 3 − 2 = 10 (= 7 + 3).
"""

from __future__ import annotations

from datetime import UTC, datetime

from models import lake
from models.db import connect
from models.inventory.stock import record_counts, record_movements
from models.settings import Settings


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def reservation(order_id: str, kind: str, when: datetime, qty: int, wh: str = "Suzhou", reason: str | None = None):
    return {"event_id": f"{order_id}-{kind}", "order_id": order_id, "channel": "shopee", "sku": "A", "warehouse": wh,
            "qty": qty, "kind": kind, "reason": reason, "occurred_at": when, "recorded_at": when}


def test_available_per_warehouse_and_pool(data_dir):
    settings = Settings(data_dir=data_dir)
    lake_dir = settings.lake_dir
    record_counts(lake_dir, [{"sku": "A", "warehouse": "Suzhou", "on_hand": 10, "safety_stock": 2,
                              "snapshot_at": at(8)}], source="upload")
    record_movements(lake_dir, [
        {"sku": "A", "warehouse": "Suzhou", "kind": "receipt", "qty": 5, "occurred_at": at(9), "ref": "PO-1"},
        {"sku": "A", "warehouse": "Suzhou", "kind": "transfer_out", "qty": -1, "occurred_at": at(7), "ref": "T-1"},
        {"sku": "A", "warehouse": "Suzhou", "kind": "shipment", "qty": -4, "occurred_at": at(10), "ref": "S-1"},
        {"sku": "A", "warehouse": "Hefei", "kind": "receipt", "qty": 4, "occurred_at": at(9), "ref": "PO-2"},
    ], source="wms")
    lake.write(lake_dir, "reservation_events", [
        reservation("o1", "reserved", at(9), 2),
        reservation("o2", "reserved", at(9), 3), reservation("o2", "picked", at(10), 3),
        reservation("o3", "reserved", at(9), 1), reservation("o3", "released", at(11), 1, reason="shipped"),
        reservation("o4", "reserved", at(9), 1), reservation("o4", "released", at(9, 30), 1, reason="cancelled"),
        reservation("o5", "reserved", at(9), 1, wh="Hefei"),
    ])
    db = connect(settings)
    try:
        rows = db.sql("select warehouse, on_hand, reserved, allocated, safety_stock, available "
                      "from inventory_available where sku = 'A' order by warehouse").fetchall()
        pool = db.sql("select on_hand, reserved, allocated, safety_stock, available from inventory_pool "
                      "where sku = 'A'").fetchone()
    finally:
        db.close()
    assert rows == [("Hefei", 4, 1, 0, 0, 3), ("Suzhou", 14, 2, 3, 2, 7)]
    assert pool == (18, 3, 3, 2, 10)


def test_a_later_count_replaces_the_base(data_dir):
    """A recount at 12:00 of 6 makes earlier movements and shipments part of the count: on hand 6 − safety 1."""
    settings = Settings(data_dir=data_dir)
    record_counts(settings.lake_dir, [
        {"sku": "B", "warehouse": "Suzhou", "on_hand": 9, "safety_stock": 0, "snapshot_at": at(8)},
        {"sku": "B", "warehouse": "Suzhou", "on_hand": 6, "safety_stock": 1, "snapshot_at": at(12)}], source="wms")
    record_movements(settings.lake_dir, [{"sku": "B", "warehouse": "Suzhou", "kind": "damage", "qty": -3,
                                          "occurred_at": at(10), "ref": "D-1"}], source="wms")
    db = connect(settings)
    try:
        row = db.sql("select on_hand, available from inventory_available where sku = 'B'").fetchone()
    finally:
        db.close()
    assert row == (6, 5)
