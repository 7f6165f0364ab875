"""A hand-made lake for the rules and the triage console; outcomes worked out in tests/models/test_{rules,triage}.py.

Local zone Asia/Shanghai; "now" is 2026-03-02 12:00 local (NOW). Stock (latest snapshot, 08:00 local;
available = on_hand − reserved − safety_stock):

    sku    Suzhou      Hefei   Chengdu  Shanghai-Cold
    A      10-2-1 = 7  5       0        –
    B      1-0-1 = 0   3       –        –        (an older snapshot had 50 at Suzhou: superseded)
    C      –           –       –        4
    G      –           10      –        –        (the gift)

order  province  lines        amount  paid    status     notes
T1     浙江      A×2          100     11:00   to_ship
T2     浙江      B×1          100     11:00   to_ship
T3     四川      A×1 B×1      100     08:00   to_ship
T4     广东      A×6          100     08:00   to_ship
T5     上海      C×2          100     11:00   to_ship    cold chain
T6     上海      A×1          100     11:00   to_ship    cold chain
T7     北京      A×1          100     06:00   to_ship    presale, ship by 03-10
T8     湖北      A×1          30      11:30   to_ship    address in 大学城
T9     广东      A×1          80      07:00   to_ship    note 生日礼物
T10    河南      A×1          650     08:00   to_ship
T11    河南      A×1 G×1 gift 700     08:00   to_ship
T12    广东      A×1          100     08:00   to_ship    buyer B-RET (3 returns in 30 days)
T13    浙江      A×1          100     11:00   to_review  no review yet
T14    浙江      A×1          100     03-01 10:00 to_ship  nothing since payment
T15    浙江      A×1          100     08:00   picked     picked 09:30, nothing since
R1–R4  广东      A×1          100     February completed  buyer B-RET; returns 02-20, 02-22, 02-25, 01-20

Every open order except T13–T15 has a 'reviewed' event at 11:30, so it has been idle half an hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from models import lake
from models.ids import event_id
from tests.handmade import local

NOW = local(2, 12)
# (on hand, legacy reserved: ignored since reservations are events, safety). Routing consumes stock across the
# batch in paid order (models/rules/stock.py): A at Hefei (6) feeds T9, T10, T11, T12, T3 before T4 (A×6, 1
# left: falls through to Suzhou) and T8 last; A at Suzhou (12 − 1 safety = 11) feeds T14, T4, T1, T13 (1 left).
STOCK = {("A", "Suzhou"): (12, 0, 1), ("A", "Hefei"): (6, 0, 0), ("A", "Chengdu"): (0, 0, 0),
         ("B", "Suzhou"): (1, 0, 1), ("B", "Hefei"): (3, 0, 0), ("C", "Shanghai-Cold"): (4, 0, 0),
         ("G", "Hefei"): (10, 0, 0)}
# id: (province, lines [(sku, qty, is_gift)], amount yuan, paid, status, extras)
ORDERS: dict[str, tuple] = {
    "T1": ("浙江", [("A", 2, False)], 100, local(2, 11), "to_ship", {}),
    "T2": ("浙江", [("B", 1, False)], 100, local(2, 11), "to_ship", {}),
    "T3": ("四川", [("A", 1, False), ("B", 1, False)], 100, local(2, 8), "to_ship", {}),
    "T4": ("广东", [("A", 6, False)], 100, local(2, 8), "to_ship", {}),
    "T5": ("上海", [("C", 2, False)], 100, local(2, 11), "to_ship", {"is_cold_chain": True}),
    "T6": ("上海", [("A", 1, False)], 100, local(2, 11), "to_ship", {"is_cold_chain": True}),
    "T7": ("北京", [("A", 1, False)], 100, local(2, 6), "to_ship", {"is_presale": True, "ship_by_at": local(10, 12)}),
    "T8": ("湖北", [("A", 1, False)], 30, local(2, 11, 30), "to_ship", {"receiver_address": "武汉市江夏区大学城路1号"}),
    "T9": ("广东", [("A", 1, False)], 80, local(2, 7), "to_ship", {"buyer_note": "生日礼物，包装好看一点"}),
    "T10": ("河南", [("A", 1, False)], 650, local(2, 8), "to_ship", {}),
    "T11": ("河南", [("A", 1, False), ("G", 1, True)], 700, local(2, 8), "to_ship", {}),
    "T12": ("广东", [("A", 1, False)], 100, local(2, 8), "to_ship", {"buyer_id": "B-RET"}),
    "T13": ("浙江", [("A", 1, False)], 100, local(2, 11), "to_review", {}),
    "T14": ("浙江", [("A", 1, False)], 100, local(1, 10), "to_ship", {}),
    "T15": ("浙江", [("A", 1, False)], 100, local(2, 8), "picked", {}),
    "R1": ("广东", [("A", 1, False)], 100, local(10, 10, month=2), "completed", {"buyer_id": "B-RET"}),
    "R2": ("广东", [("A", 1, False)], 100, local(11, 10, month=2), "completed", {"buyer_id": "B-RET"}),
    "R3": ("广东", [("A", 1, False)], 100, local(12, 10, month=2), "completed", {"buyer_id": "B-RET"}),
    "R4": ("广东", [("A", 1, False)], 100, local(5, 10, month=1), "completed", {"buyer_id": "B-RET"}),
}
RETURNS = {"R1": local(20, 10, month=2), "R2": local(22, 10, month=2), "R3": local(25, 10, month=2),
           "R4": local(20, 10, month=1)}


def oid(key: str) -> str:
    return f"OH-{key}"


CAPITALS = {"浙江": "杭州", "河南": "郑州", "广东": "广州", "四川": "成都", "上海": "上海", "北京": "北京",
            "湖北": "武汉"}  # real cities: the address form checks them against the division list


def order_row(key: str) -> dict:
    province, _, amount, paid, status, extras = ORDERS[key]
    placed = paid - timedelta(minutes=10)
    return {
        "order_id": oid(key), "channel": "tmall", "shop_id": "t1", "platform_order_id": key, "status": status,
        "raw_status": "X", "currency": "CNY", "total_cents": amount * 100, "buyer_id": f"B-{key}",
        "receiver_name": "演示买家", "receiver_phone": "13812345678", "receiver_country": "CN",
        "receiver_province": province, "receiver_city": CAPITALS[province], "receiver_address": "演示路1号",
        "placed_at": placed, "paid_at": paid, "ship_by_at": paid + timedelta(days=1),
        "updated_at": paid, "ingested_at": paid, **extras,
    }


def line_rows(key: str) -> list[dict]:
    _, lines, _, paid, _, _ = ORDERS[key]
    return [{"order_id": oid(key), "line_no": i, "sku": sku, "title": sku, "category": "demo", "qty": qty,
             "unit_price_cents": 0 if gift else 5000, "currency": "CNY", "is_gift": gift,
             "placed_at": paid - timedelta(minutes=10), "updated_at": paid, "ingested_at": paid}
            for i, (sku, qty, gift) in enumerate(lines, start=1)]


def event_rows(key: str) -> list[dict]:
    _, _, _, paid, status, _ = ORDERS[key]
    events = [("placed", "platform", paid - timedelta(minutes=10)), ("paid", "platform", paid)]
    if key == "T15":
        events.append(("picked", "wms", local(2, 9, 30)))
    elif key.startswith("R"):
        events.append(("completed", "platform", paid + timedelta(days=5)))
    elif status == "to_ship" and key != "T14":
        events.append(("reviewed", "oms", local(2, 11, 30)))
    return [{"event_id": event_id(oid(key), ev, src, at), "order_id": oid(key), "event": ev, "source": src,
             "occurred_at": at, "ingested_at": at} for ev, src, at in events]


def stock_rows(at: datetime, stock: dict) -> list[dict]:
    return [{"snapshot_at": at, "sku": sku, "warehouse": wh, "on_hand": on_hand, "reserved": reserved,
             "safety_stock": safety} for (sku, wh), (on_hand, reserved, safety) in stock.items()]


def build(lake_dir: Path) -> None:
    """Write the lake described above (no routing yet: warehouse and carrier are empty)."""
    lake.write(lake_dir, "orders", [order_row(k) for k in ORDERS])
    lake.write(lake_dir, "order_lines", [row for k in ORDERS for row in line_rows(k)])
    lake.write(lake_dir, "order_events", [row for k in ORDERS for row in event_rows(k)])
    lake.write(lake_dir, "inventory", stock_rows(local(1, 8), {("B", "Suzhou"): (50, 0, 0)}))
    lake.write(lake_dir, "inventory", stock_rows(local(2, 8), STOCK))
    lake.write(lake_dir, "returns", [
        {"return_id": f"RET-{k}", "line_no": 1, "order_id": oid(k), "sku": "A", "category": "demo",
         "reason_code": "changed_mind", "qty": 1, "requested_at": at} for k, at in RETURNS.items()])


OPEN_ORDERS = [oid(k) for k in ORDERS if k.startswith("T")]
