"""The platform-neutral sample order each platform's `sandbox.render` writes in that platform's API shape.

    sim = SimOrder("240301ABC", "sg-main", "SGD", total="25.80", created=t0, stage="to_ship", paid=t1, ...)
    PLATFORMS["shopee"].render(sim)   # {"order_sn": "240301ABC", "order_status": "READY_TO_SHIP", ...}

The renderers are the inverse of the normalizers, so they live beside them in each platform's folder;
this module holds what they share. The simulators (`sim.sandbox`, the property tests, bench) build
SimOrders; ingest itself never renders one. Amounts are decimal strings, times aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone

from models import lifecycle

SHOP_TZ = timezone(timedelta(hours=8))  # the zone Lazada and WooCommerce local times are rendered in


@dataclass
class SimLine:
    sku: str
    title: str
    qty: int
    price: str  # unit price, decimal string in major units
    is_gift: bool = False


@dataclass
class SimOrder:
    """An order as the simulator thinks of it; amounts are decimal strings, times aware UTC."""

    platform_order_id: str
    shop_id: str
    currency: str
    total: str
    created: datetime
    stage: str = "to_ship"
    shipping: str = "0.00"
    discount: str = "0.00"
    paid: datetime | None = None
    shipped: datetime | None = None
    delivered: datetime | None = None
    cancelled: datetime | None = None
    receiver_name: str | None = None
    receiver_phone: str | None = None
    receiver_country: str | None = None
    receiver_province: str | None = None
    receiver_city: str | None = None
    receiver_address: str | None = None
    buyer_note: str | None = None
    lines: list[SimLine] = field(default_factory=list)
    carrier: str | None = None
    tracking_no: str | None = None
    modified: datetime | None = None  # an edit that is no lifecycle step (the sandbox's `churn` fault)

    @property
    def updated(self) -> datetime:
        steps = (self.created, self.paid, self.shipped, self.delivered, self.cancelled, self.modified)
        return max(t for t in steps if t)


def raw_status(statuses: Mapping[str, str], stage: str) -> str:
    """The platform's status for a canonical stage, falling back to the nearest earlier stage it has."""
    if stage in statuses:
        return statuses[stage]
    if stage in lifecycle.EXITS:
        return statuses["cancelled"]
    flow = lifecycle.FLOW[: lifecycle.FLOW.index(stage) + 1] if stage in lifecycle.FLOW else ("to_ship",)
    return next(statuses[s] for s in reversed(flow) if s in statuses)


# -- what several renderers share ------------------------------------------------------------------
def numeric_id(text: str) -> int | str:
    """Shopify and WooCommerce ids are JSON numbers; an id a number cannot hold stays a string."""
    return int(text) if text.isdigit() and str(int(text)) == text else text


def epoch(at: datetime | None) -> int:
    return int(at.timestamp()) if at else 0


def naive(at: datetime | None, tz: timezone = UTC) -> str | None:
    return at.astimezone(tz).replace(tzinfo=None).isoformat() if at else None


def units(sim: SimOrder) -> list[SimLine]:
    """Lazada and TikTok list one line item per unit."""
    return [replace(li, qty=1) for li in sim.lines for _ in range(li.qty)]


def first_last(sim: SimOrder) -> tuple[str, str]:
    """The receiver's name split at the first space, as the platforms with two name fields want it."""
    first, _, last = (sim.receiver_name or "").partition(" ")
    return first, last
