"""A small lake for the customer-service lookup (tests/pages/test_lookup.py, tests/browser/test_lookup.py).

Local zone Asia/Shanghai; times are 2026-03-02 local unless said.

order   channel/shop/warehouse  platform id       tracking      phone        events (by event time)
OH-L1   shopee/s1/Suzhou        SP-240301-0001    SF100200300   13800001111  placed 09:00 platform, paid 09:05
        platform, allocated 10:00 wms, picked 11:30 wms, packed 12:00 wms, shipped 13:00 wms, shipped 13:02
        carrier, in_transit 18:00 carrier, out_for_delivery 03-03 08:00 carrier; written in another order
        (the carrier's before the warehouse's), one open SLA exception and one resolved one
OH-L2   shopee/s1/Suzhou        SP-240301-0002    SF100200301   13800002222  placed 10:00, paid 10:01
OH-L3   tmall/t1/Hefei          TM-9001           YT5550001     13800001111  placed 11:00 (same phone as L1)
"""

from __future__ import annotations

from pathlib import Path

from models import lake
from models.ids import event_id
from tests.handmade import local

ORDERS = {
    # id: (channel, shop, warehouse, platform id, tracking, phone, placed)
    "OH-L1": ("shopee", "s1", "Suzhou", "SP-240301-0001", "SF100200300", "13800001111", local(2, 9)),
    "OH-L2": ("shopee", "s1", "Suzhou", "SP-240301-0002", "SF100200301", "13800002222", local(2, 10)),
    "OH-L3": ("tmall", "t1", "Hefei", "TM-9001", "YT5550001", "13800001111", local(2, 11)),
}
# OH-L1's events as they arrived (carrier first): (event, source, event time)
L1_EVENTS = [
    ("in_transit", "carrier", local(2, 18)), ("out_for_delivery", "carrier", local(3, 8)),
    ("shipped", "carrier", local(2, 13, 2)), ("placed", "platform", local(2, 9)), ("paid", "platform", local(2, 9, 5)),
    ("allocated", "wms", local(2, 10)), ("picked", "wms", local(2, 11, 30)), ("packed", "wms", local(2, 12)),
    ("shipped", "wms", local(2, 13)),
]


def order_row(order_id: str) -> dict:
    channel, shop, warehouse, platform_id, tracking, phone, placed = ORDERS[order_id]
    return {"order_id": order_id, "channel": channel, "shop_id": shop, "platform_order_id": platform_id,
            "status": "shipped" if order_id == "OH-L1" else "to_ship", "raw_status": "X", "currency": "CNY",
            "total_cents": 12300, "buyer_id": f"B-{order_id}", "receiver_name": "张三丰", "receiver_phone": phone,
            "receiver_country": "CN", "receiver_province": "浙江", "receiver_city": "杭州",
            "receiver_address": "西湖区文三路100号", "warehouse": warehouse, "carrier": "SF", "tracking_no": tracking,
            "placed_at": placed, "paid_at": placed, "updated_at": placed, "ingested_at": placed}


def _event(order_id: str, event: str, source: str, at) -> dict:
    return {"event_id": event_id(order_id, event, source, at), "order_id": order_id, "event": event,
            "source": source, "occurred_at": at, "ingested_at": local(3, 9), "received_at": local(3, 9)}


def _exception(suffix: str, status: str) -> dict:
    return {"exception_id": f"EX-L1-{suffix}", "order_id": "OH-L1", "type": "sla_breach", "severity": "high",
            "status": status, "detected_at": local(2, 20), "due_at": local(3, 20), "source": "rules",
            "updated_at": local(2, 20), "ingested_at": local(2, 20)}


def build(lake_dir: Path) -> None:
    """Write the lake described above; L1's events in arrival order, one file per arrival."""
    lake.write(lake_dir, "orders", [order_row(k) for k in ORDERS])
    lake.write(lake_dir, "order_lines", [
        {"order_id": k, "line_no": 1, "sku": f"SKU-{k[-1]}", "title": "保温杯", "category": "home", "qty": 2,
         "unit_price_cents": 6150, "currency": "CNY", "is_gift": False, "placed_at": v[-1], "updated_at": v[-1],
         "ingested_at": v[-1]} for k, v in ORDERS.items()])
    for event, source, at in L1_EVENTS:
        lake.write(lake_dir, "order_events", [_event("OH-L1", event, source, at)])
    lake.write(lake_dir, "order_events", [_event(k, e, "platform", ORDERS[k][-1]) for k in ("OH-L2", "OH-L3")
                                          for e in ("placed", "paid")])
    lake.write(lake_dir, "exceptions", [_exception("open", "open"), _exception("done", "resolved")])
