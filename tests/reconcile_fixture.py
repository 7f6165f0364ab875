"""A hand-made reconciliation month (March 2026, Asia/Shanghai) whose findings are worked out in the test.

Two channels, two currencies: `shopee/sg1` in USD (2 decimals: fee 5 % + US$0.30, paid 10 days after
delivery) and `shopify/jp1` in JPY (0 decimals: fee 3.4 % + ¥40, paid 7 days after delivery). Tolerance
US$0.01 and ¥1. `as_of` is 2026-04-05 00:00 UTC.

24 clean orders (12 per channel) settle exactly; each planted case has one finding (see the test for the
arithmetic). Orders of February and a not-yet-due delivery add nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import lake
from models.ids import event_id, stable_hash
from models.settings import Settings

AS_OF = datetime(2026, 4, 5, tzinfo=UTC)
CONFIG = """
[buyers]
days = 90
min_events = 2
[defaults]
settlement_days = 30
[tolerance]
default = "0.01"
JPY = "1"
[channel.shopee]
settlement_days = 10
fee_percent = "5"
fixed_fee = { USD = "0.30" }
[channel.shopify]
settlement_days = 7
fee_percent = "3.4"
fixed_fee = { JPY = "40" }
"""
SHOP = {"shopee": ("sg1", "USD"), "shopify": ("jp1", "JPY")}


def day(d: int, month: int = 3, hour: int = 10) -> datetime:
    """A Shanghai wall-clock time as a UTC instant."""
    return datetime(2026, month, d, hour, tzinfo=UTC) - timedelta(hours=8)


class Month:
    """Collects rows and writes them through the lake's writer."""

    def __init__(self) -> None:
        self.orders: list[dict] = []
        self.events: list[dict] = []
        self.settlements: list[dict] = []
        self.returns: list[dict] = []

    def order(self, key: str, channel: str, cents: int, placed: datetime, *, paid: bool = True,
              status: str = "delivered", ship_by: datetime | None = None, buyer: str = "b-plain") -> str:
        shop, currency = SHOP[channel]
        oid = f"OH-{key}"
        self.orders.append({
            "order_id": oid, "channel": channel, "shop_id": shop, "platform_order_id": key, "status": status,
            "raw_status": "x", "currency": currency, "total_cents": cents, "buyer_id": buyer,
            "placed_at": placed, "paid_at": placed if paid else None,
            "ship_by_at": ship_by or placed + timedelta(days=2), "updated_at": placed, "ingested_at": placed})
        self.event(oid, "placed", placed)
        if paid:
            self.event(oid, "paid", placed)
        return oid

    def event(self, oid: str, name: str, at: datetime, *, source: str = "platform", detail: str | None = None,
              tracking: str | None = None, source_event_id: str | None = None) -> None:
        self.events.append({
            "event_id": event_id(oid, name, source, at) if not tracking else stable_hash(oid, name, tracking),
            "order_id": oid, "event": name, "source": source, "occurred_at": at, "detail": detail,
            "ingested_at": at, "ref_kind": "tracking_no" if tracking else None, "ref": tracking,
            "source_event_id": source_event_id})

    def ship(self, oid: str, at: datetime, delivered: datetime | None = None, tracking: str = "") -> None:
        self.event(oid, "shipped", at, source="wms", tracking=tracking or f"T-{oid}")
        if delivered:
            self.event(oid, "delivered", delivered, source="carrier")

    def settle(self, oid: str, line_type: str, cents: int, at: datetime, line: str = "1") -> None:
        order = next(o for o in self.orders if o["order_id"] == oid)
        self.settlements.append({
            "settlement_id": stable_hash(oid, line_type, line), "channel": order["channel"],
            "shop_id": order["shop_id"], "platform_order_id": order["platform_order_id"], "order_id": oid,
            "line_type": line_type, "amount_cents": cents, "currency": order["currency"], "settled_at": at,
            "payout_id": f"P-{at:%m%d}", "report": "test", "source_line_id": line, "ingested_at": at})

    def write(self, settings: Settings) -> None:
        settings.config_dir.mkdir(parents=True, exist_ok=True)
        (settings.config_dir / "reconciliation.toml").write_text(CONFIG, encoding="utf-8")
        for table, rows in (("orders", self.orders), ("order_events", self.events),
                            ("settlements", self.settlements), ("returns", self.returns)):
            if rows:
                lake.write(settings.lake_dir, table, rows)


# Clean orders: (total, settled as sale + fee lines); fee worked out by hand per order below.
CLEAN_USD = [1000 + 137 * i for i in range(12)]  # US$10.00 … US$25.07
CLEAN_JPY = [1200 + 550 * i for i in range(12)]  # ¥1,200 … ¥7,250


def clean_fee(channel: str, cents: int) -> int:
    """Fee of a clean order, as a clerk would: percent of the amount, rounded half up, plus the fixed fee."""
    from decimal import ROUND_HALF_UP, Decimal

    pct, fixed = (Decimal(5), 30) if channel == "shopee" else (Decimal("3.4"), 40)
    return int((Decimal(cents) * pct / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) + fixed


def build(settings: Settings) -> Month:
    m = Month()
    for i, cents in enumerate(CLEAN_USD + CLEAN_JPY):
        channel = "shopee" if i < 12 else "shopify"
        oid = m.order(f"C{i:02d}", channel, cents, day(1 + i % 12))
        m.ship(oid, day(2 + i % 12), day(4 + i % 12))
        m.settle(oid, "sale", cents, day(14 + i % 12))
        m.settle(oid, "fee", -clean_fee(channel, cents), day(14 + i % 12))
    # U: paid US$25.00 on 03-10, ship-by 03-12, never shipped → unshipped 2500
    m.order("U", "shopee", 2500, day(10), status="to_ship", ship_by=day(12))
    # U2: paid 04-04, ship-by 04-06 (after as_of) → nothing
    m.order("U2", "shopee", 2500, day(31), status="to_ship", ship_by=day(6, month=4))
    # D: ¥5,800 shipped under two tracking numbers, settled exactly (fee 197 + 40) → double_shipped 5800
    oid = m.order("D", "shopify", 5800, day(5))
    m.ship(oid, day(6), day(8), tracking="JP1")
    m.ship(oid, day(7), tracking="JP2")
    m.settle(oid, "sale", 5800, day(16))
    m.settle(oid, "fee", -237, day(16))
    # N: US$40.00 delivered 03-15, no settlement by 04-05 (> 10 days) → unsettled 4000 − 230 = 3770
    oid = m.order("N", "shopee", 4000, day(13))
    m.ship(oid, day(14), day(15))
    # N2: delivered 03-30, due 04-09 → nothing yet
    oid = m.order("N2", "shopee", 4000, day(28))
    m.ship(oid, day(29), day(30))
    # T: ¥12,000 sold, settled in two payouts (fee 408 + 40 = 448 each) → settled_twice +11,552
    oid = m.order("T", "shopify", 12000, day(3))
    m.ship(oid, day(4), day(6))
    for line, at in (("a", day(13)), ("b", day(20))):
        m.settle(oid, "sale", 12000, at, line)
        m.settle(oid, "fee", -448, at, line)
    # M: US$19.99, fee 5 % = 99.95 → 100, + 30 = 130, expected 1869; the platform took 150 → mismatch −20
    oid = m.order("M", "shopee", 1999, day(9))
    m.ship(oid, day(10), day(12))
    m.settle(oid, "sale", 1999, day(22))
    m.settle(oid, "fee", -150, day(22))
    # M2: within tolerance: ¥2,000 expected 2000 − (68 + 40) = 1892, settled 1891 (¥1 short) → nothing
    oid = m.order("M2", "shopify", 2000, day(9))
    m.ship(oid, day(10), day(12))
    m.settle(oid, "sale", 2000, day(22))
    m.settle(oid, "fee", -109, day(22))
    # R: US$30.00 shipped, US$10.00 refunded, never returned → refund_not_returned 1000; expected
    # (3000 − 1000) − (100 + 30) = 1870, settled 3000 − 180 − 1000 + 50 = 1870 (no mismatch)
    oid = m.order("R", "shopee", 3000, day(11), buyer="b-serial")
    m.ship(oid, day(12), day(14))
    m.event(oid, "refunded", day(16), detail='{"amount_cents": -1000, "currency": "USD"}')
    for line_type, cents in (("sale", 3000), ("fee", -180), ("refund", -1000), ("fee", 50)):
        m.settle(oid, line_type, cents, day(25), line=f"{line_type}{cents}")
    # W: ¥3,000 returned, no refund; settled 3000 − 142 = 2858 (exact) → returned_not_refunded 3000
    oid = m.order("W", "shopify", 3000, day(8), buyer="b-serial")
    m.ship(oid, day(9), day(11))
    m.event(oid, "returned", day(20), source="wms")
    m.settle(oid, "sale", 3000, day(18))
    m.settle(oid, "fee", -142, day(18))
    m.returns.append({"return_id": "RT-W", "line_no": 1, "order_id": oid, "sku": "S", "reason_code": "defective",
                      "qty": 1, "requested_at": day(15)})
    # F: February, never shipped → a finding, but not in March
    m.order("F", "shopee", 999, day(20, month=2), status="to_ship", buyer="b-serial")
    # X: placed, never paid, cancelled → nothing
    oid = m.order("X", "shopee", 5000, day(6), paid=False, status="cancelled")
    m.event(oid, "cancelled", day(7))
    m.write(settings)
    return m
