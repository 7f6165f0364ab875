"""Shopee Open Platform v2 `v2.order.get_order_detail` → canonical rows.

Shape source: Shopee Open Platform API v2 reference, v2.order.get_order_detail (response
{"error": "", "message": "", "response": {"order_list": [...]}, "request_id": ...}); field names checked
against the typed clients peatiscoding/shopeee-api (ShopeeOrdersDetailResponse.ts, with the doc's sample)
and shopee-openapi-v2 (order.d.ts). Times are epoch seconds (0 = not yet); money is JSON numbers in
major units (12.9 = 12.90 SGD). recipient_address.phone is the receiver's, usually masked ("******10")
and kept as Shopee sends it. A gift line is an item Shopee marks as a free gift of an add-on deal
(promotion_type "add_on_free_gift_sub") or one whose discounted price is 0. Shopee reports no delivery or
cancel time: those events take update_time when the status says so (see rows.finish).
"""

from __future__ import annotations

from typing import Any

from ingest.normalize.base import Line, Reader, unwrap
from ingest.normalize.rows import Normalizer, Read
from ingest.normalize.status_map import StatusMap

PLATFORM = "shopee"
GIFT_PROMOTIONS = {"add_on_free_gift_sub"}


def orders_in_response(body: dict | list) -> list[dict]:
    """get_order_detail's `response.order_list` (also accepts a bare order_list object)."""
    return unwrap(PLATFORM, body, "response.order_list", "order_list")


def _lines(r: Reader, currency: str) -> list[Line]:
    lines = []
    for item in r.items("item_list"):
        li = r.sub(item, "item_list[]")
        price = (
            li.money(
                "lines.unit_price_cents", "model_discounted_price", "model_original_price", currency=currency
            )
            or 0
        )
        promotion = li.text(None, "promotion_type") or ""
        lines.append(
            Line(
                sku=li.text("lines.sku", "model_sku", "item_sku"),
                title=li.text("lines.title", "item_name"),
                qty=li.number("lines.qty", "model_quantity_purchased", default=1),
                unit_price_cents=price,
                is_gift=price == 0 or promotion in GIFT_PROMOTIONS,
            )
        )
    return lines


def _read(r: Reader, status_map: StatusMap | None) -> Read:
    """One element of get_order_detail's order_list."""
    currency = r.currency("currency")
    raw_status = r.text("raw_status", "order_status", required=True) or ""
    fields: dict[str, Any] = {
        "placed_at": r.ts("placed_at", "create_time", required=True),
        "updated_at": r.ts("updated_at", "update_time"),
        "paid_at": r.ts("paid_at", "pay_time"),
        "ship_by_at": r.ts("ship_by_at", "ship_by_date"),
        "total_cents": r.money("total_cents", "total_amount", currency=currency),
        "shipping_cents": r.money(
            "shipping_cents", "actual_shipping_fee", "estimated_shipping_fee", currency=currency
        ),
        "buyer_id": r.text("buyer_id", "buyer_user_id"),
        "buyer_note": r.text("buyer_note", "message_to_seller"),
        "receiver_name": r.text("receiver_name", "recipient_address.name"),
        "receiver_phone": r.text("receiver_phone", "recipient_address.phone"),
        "receiver_country": r.text("receiver_country", "recipient_address.region", "region"),
        "receiver_province": r.text("receiver_province", "recipient_address.state"),
        "receiver_city": r.text("receiver_city", "recipient_address.city"),
        "receiver_address": r.text("receiver_address", "recipient_address.full_address"),
        "carrier": r.text("carrier", "shipping_carrier", "package_list.0.shipping_carrier"),
        "tracking_no": r.text("tracking_no", "package_list.0.tracking_number"),
    }
    times = {"shipped": r.ts("event.shipped", "pickup_done_time")}
    return Read(currency, raw_status, fields, _lines(r, currency), times)


normalize = Normalizer(PLATFORM, "order_sn", _read)
