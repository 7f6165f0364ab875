"""The canonical order lifecycle: statuses, the events that move an order between them, and labels.

Every platform's raw status maps onto these (see ingest's status map); KPIs and pages speak only these.
"""

from __future__ import annotations

# Forward path, in order. Each status is reached by the event of the same index in EVENT_FOR_STATUS.
FLOW: tuple[str, ...] = (
    "pending_payment", "to_review", "to_ship", "allocated", "picked", "packed", "shipped", "delivered", "completed",
)
EXITS: tuple[str, ...] = ("cancelled", "refunded", "returned")
UNKNOWN = "unknown"  # a raw status nobody has mapped yet: kept, and raised as an exception
STATUSES: tuple[str, ...] = (*FLOW, *EXITS, UNKNOWN)

# Lifecycle events, in the order an order normally meets them; `<event>_at` columns in the stage mart.
EVENTS: tuple[str, ...] = (
    "placed", "paid", "reviewed", "allocated", "picked", "packed", "shipped", "in_transit", "delivered",
    "completed", "cancelled", "refunded", "returned",
)
# The status an order is in after each event.
STATUS_AFTER_EVENT: dict[str, str] = {
    "placed": "pending_payment", "paid": "to_review", "reviewed": "to_ship", "allocated": "allocated",
    "picked": "picked", "packed": "packed", "shipped": "shipped", "in_transit": "shipped",
    "delivered": "delivered", "completed": "completed", "cancelled": "cancelled", "refunded": "refunded",
    "returned": "returned",
}
# Consecutive steps whose durations the KPI layer reports (start event, end event).
STAGES: tuple[tuple[str, str], ...] = (
    ("placed", "paid"), ("paid", "reviewed"), ("reviewed", "allocated"), ("allocated", "picked"),
    ("picked", "packed"), ("packed", "shipped"), ("shipped", "delivered"), ("delivered", "completed"),
)
SOURCES: tuple[str, ...] = ("platform", "oms", "wms", "carrier", "console")

# Warehouse and carrier intake (ingest/events). A warehouse reports these steps:
WMS_EVENTS: tuple[str, ...] = ("allocated", "picked", "packed", "shipped")
# A tracking aggregator's canonical statuses (its own codes map to these in carrier_status_map.toml) and the
# event each one is stored as: the carrier collecting the parcel is its report of the `shipped` step.
CARRIER_STATUSES: dict[str, str] = {
    "collected": "shipped", "in_transit": "in_transit", "out_for_delivery": "out_for_delivery",
    "delivered": "delivered", "failed_attempt": "delivery_failed", "returned_to_sender": "returned_to_sender",
    "exception": "carrier_exception",
}
# Events only carriers report, beyond EVENTS: they say where a parcel is, they do not move the order's stage.
TRACKING_EVENTS: tuple[str, ...] = ("out_for_delivery", "delivery_failed", "returned_to_sender", "carrier_exception")
INTAKE_EVENTS: tuple[str, ...] = tuple(dict.fromkeys((*WMS_EVENTS, *CARRIER_STATUSES.values())))

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "pending_payment": ("Pending payment", "待付款"),
    "to_review": ("To review", "待审核"),
    "to_ship": ("To ship", "待发货"),
    "allocated": ("Allocated", "已配货"),
    "picked": ("Picked", "已拣货"),
    "packed": ("Packed", "已打包"),
    "shipped": ("Shipped", "已发货"),
    "delivered": ("Delivered", "已签收"),
    "completed": ("Completed", "已完成"),
    "cancelled": ("Cancelled", "已取消"),
    "refunded": ("Refunded", "已退款"),
    "returned": ("Returned", "已退货"),
    "unknown": ("Unknown status", "未知状态"),
}


def status_label(status: str, lang: str = "en") -> str:
    """Label of a canonical status; Chinese beside the canonical name ('待发货 (to_ship)') for zh."""
    en, zh = STATUS_LABELS.get(status, (status, status))
    return en if lang == "en" else f"{zh} ({status})"


def stage_name(start: str, end: str) -> str:
    return f"{start}→{end}"
