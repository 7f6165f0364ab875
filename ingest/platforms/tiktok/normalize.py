"""TikTok Shop API 202309 Search Orders / Get Order Detail → canonical rows.

Shape source: TikTok Shop Partner Center API reference, Order API 202309 (POST /order/202309/orders/search
and GET /order/202309/orders → {"code": 0, "message": "Success", "data": {"orders": [...],
"next_page_token": ...}}); field names checked against the Go client david-yappeter/go-tiktok (order_.go)
and the api-evangelist TikTok order JSON schema. Times are epoch seconds; money is decimal strings under
`payment`; recipient_address.phone_number is the receiver's (masked, e.g. "(+66)81****678") and the
province/city come from `district_info` levels. Line items are one per unit, with an `is_gift` flag.
"""

from __future__ import annotations

from typing import Any

from ingest.normalize.base import Line, Reader, unwrap
from ingest.normalize.rows import Normalizer, Read
from ingest.normalize.status_map import StatusMap

PLATFORM = "tiktok"
_PROVINCE_LEVELS = {"state", "province", "region"}


def orders_in_response(body: dict | list) -> list[dict]:
    """Search Orders / Get Order Detail: data.orders."""
    return unwrap(PLATFORM, body, "data.orders", "data.order_list", "orders")


def _district(r: Reader, canonical: str, level: str, names: set[str]) -> str | None:
    """A district_info entry by level name ('State', 'City'), else by level code ('L1')."""
    entries = [
        r.sub(e, f"recipient_address.district_info.{n}")
        for n, e in enumerate(r.items("recipient_address.district_info"))
    ]
    for d in entries:
        if str(d.raw(None, "address_level_name") or "").casefold() in names:
            return d.text(canonical, "address_name")
    for d in entries:
        if d.raw(None, "address_level") == level:
            return d.text(canonical, "address_name")
    return None


def _lines(r: Reader, currency: str) -> list[Line]:
    lines = []
    for item in r.items("line_items"):
        li = r.sub(item, "line_items[]")
        price = li.money("lines.unit_price_cents", "sale_price", "original_price", currency=currency) or 0
        gift = li.raw(None, "is_gift")
        lines.append(
            Line(
                sku=li.text("lines.sku", "seller_sku", "sku_id"),
                title=li.text("lines.title", "product_name"),
                qty=li.number("lines.qty", "quantity", default=1),
                unit_price_cents=price,
                is_gift=gift is True or price == 0,
            )
        )
    return lines


def _read(r: Reader, status_map: StatusMap | None) -> Read:
    """One element of data.orders."""
    currency = r.currency("payment.currency")
    raw_status = r.text("raw_status", "status", "order_status", required=True) or ""
    discount = (r.money("discount_cents", "payment.seller_discount", currency=currency) or 0) + (
        r.money(None, "payment.platform_discount", currency=currency) or 0
    )
    fields: dict[str, Any] = {
        "placed_at": r.ts("placed_at", "create_time", required=True),
        "updated_at": r.ts("updated_at", "update_time"),
        "paid_at": r.ts("paid_at", "paid_time"),
        "ship_by_at": r.ts("ship_by_at", "shipping_due_time", "rts_sla_time"),
        # the buyer's promise: "should arrive by this date to be considered on-time" (not delivery_due_time,
        # TikTok's auto-cancel deadline)
        "promised_delivery_at": r.ts("promised_delivery_at", "delivery_sla_time",
                                     "delivery_option_required_delivery_time"),
        "total_cents": r.money("total_cents", "payment.total_amount", currency=currency),
        "shipping_cents": r.money("shipping_cents", "payment.shipping_fee", currency=currency),
        "discount_cents": discount,
        "buyer_id": r.text("buyer_id", "user_id"),
        "buyer_note": r.text("buyer_note", "buyer_message"),
        "receiver_name": r.text("receiver_name", "recipient_address.name"),
        "receiver_phone": r.text("receiver_phone", "recipient_address.phone_number"),
        "receiver_country": r.text("receiver_country", "recipient_address.region_code"),
        "receiver_province": _district(r, "receiver_province", "L1", _PROVINCE_LEVELS),
        "receiver_city": _district(r, "receiver_city", "L2", {"city"}),
        "receiver_address": r.text(
            "receiver_address", "recipient_address.full_address", "recipient_address.address_detail"
        ),
        "carrier": r.text("carrier", "shipping_provider"),
        "tracking_no": r.text("tracking_no", "tracking_number"),
    }
    times = {
        "packed": r.ts("event.packed", "rts_time"),
        "shipped": r.ts("event.shipped", "collection_time"),
        "delivered": r.ts("event.delivered", "delivery_time"),
        "cancelled": r.ts("event.cancelled", "cancel_time"),
    }
    return Read(currency, raw_status, fields, _lines(r, currency), times)


normalize = Normalizer(PLATFORM, "id", _read)
