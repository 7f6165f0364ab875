"""The simulated order the sandbox marketplace renders, and each platform's status for a stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

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

    @property
    def updated(self) -> datetime:
        return max(t for t in (self.created, self.paid, self.shipped, self.delivered, self.cancelled) if t)


# Canonical stage → the platform's raw status (Shopify's is derived from several fields, see _shopify).
STATUS_FOR_STAGE: dict[str, dict[str, str]] = {
    "shopee": {
        "pending_payment": "UNPAID",
        "to_review": "PENDING",
        "to_ship": "READY_TO_SHIP",
        "packed": "PROCESSED",
        "shipped": "SHIPPED",
        "delivered": "TO_CONFIRM_RECEIVE",
        "completed": "COMPLETED",
        "cancelled": "CANCELLED",
        "returned": "TO_RETURN",
    },
    "tiktok": {
        "pending_payment": "UNPAID",
        "to_review": "ON_HOLD",
        "to_ship": "AWAITING_SHIPMENT",
        "packed": "AWAITING_COLLECTION",
        "shipped": "IN_TRANSIT",
        "delivered": "DELIVERED",
        "completed": "COMPLETED",
        "cancelled": "CANCELLED",
    },
    "woocommerce": {
        "pending_payment": "pending",
        "to_ship": "processing",
        "completed": "completed",
        "cancelled": "cancelled",
        "refunded": "refunded",
    },
    "lazada": {
        "pending_payment": "unpaid",
        "to_ship": "pending",
        "packed": "packed",
        "shipped": "shipped",
        "delivered": "delivered",
        "completed": "confirmed",
        "cancelled": "canceled",
        "returned": "returned",
    },
    "shopify": {
        "pending_payment": "pending",
        "to_ship": "paid",
        "shipped": "fulfilled",
        "delivered": "delivered",
        "cancelled": "cancelled",
        "refunded": "refunded",
        "returned": "restocked",
    },
}
STAGES: dict[str, tuple[str, ...]] = {p: tuple(m) for p, m in STATUS_FOR_STAGE.items()}


def raw_status(platform: str, stage: str) -> str:
    """The platform's status for a canonical stage, falling back to the nearest earlier stage it has."""
    table = STATUS_FOR_STAGE[platform]
    if stage in table:
        return table[stage]
    if stage in lifecycle.EXITS:
        return table["cancelled"]
    flow = lifecycle.FLOW[: lifecycle.FLOW.index(stage) + 1] if stage in lifecycle.FLOW else ("to_ship",)
    return next(table[s] for s in reversed(flow) if s in table)
