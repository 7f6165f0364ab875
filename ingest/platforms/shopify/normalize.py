"""Shopify Admin REST `Order` resource → canonical rows.

Shape source: Shopify Admin REST API reference, Order resource (GET /admin/api/<ver>/orders.json →
{"orders": [...]}, GET orders/{id}.json → {"order": {...}}); fields checked against the Admin REST
docs and the typed clients shopify_sdk (docs.rs, rest/resources/v2025_10/order.rs) and Network.Shopify.
Timestamps are ISO 8601 with the shop's offset ("2026-03-01T10:15:00-05:00"); money is decimal strings.

Shopify has no single order status, so one status key is derived (first rule that matches wins):

    | cancelled_at | financial_status        | fulfillment_status            | key                |
    | set          | any                     | any                           | cancelled          |
    | null         | refunded / voided       | any                           | financial_status   |
    | null         | any                     | fulfilled, every shipment     | delivered          |
    |              |                         |   delivered                   |                    |
    | null         | any                     | fulfilled / partial / restocked | fulfillment_status |
    | null         | any                     | null                          | financial_status   |

The key goes through [shopify] of status_map.toml; raw_status keeps "financial/fulfillment" (and
"+cancelled") so nothing of the original is lost. paid_at is processed_at once the financial status says
money moved (Shopify's REST order has no separate paid time).

A fulfillment record is not a shipment: its `status` is pending, open, success, cancelled, error or
failure, and only `success` means the goods left. Shipped and delivered times, the carrier and the
tracking number come from successful fulfillments only; an order whose only fulfillment failed has
no shipped event.
"""

from __future__ import annotations

from typing import Any

from ingest.normalize.base import Line, Reader, dated, joined, unwrap
from ingest.normalize.rows import Normalizer, Read
from ingest.normalize.status_map import StatusMap

PLATFORM = "shopify"
_PAID = {"paid", "partially_paid", "partially_refunded", "refunded", "authorized"}
SHIPPED = ("status", "success")  # the one fulfillment status that means the goods left


def _shipped_index(r: Reader) -> int | None:
    """Index of the first successful fulfillment (where carrier and tracking number are read)."""
    for n, f in enumerate(r.items("fulfillments")):
        if isinstance(f, dict) and f.get(SHIPPED[0]) == SHIPPED[1]:
            return n
    return None


def orders_in_response(body: dict | list) -> list[dict]:
    """`{"orders": [...]}` (list endpoint) or `{"order": {...}}` (single order)."""
    return unwrap(PLATFORM, body, "orders", "order")


def _status(r: Reader) -> tuple[str, str]:
    financial = r.text("raw_status", "financial_status") or "null"
    fulfillment = r.text(None, "fulfillment_status") or "null"
    cancelled = r.raw(None, "cancelled_at") is not None
    raw = f"{financial}/{fulfillment}" + ("+cancelled" if cancelled else "")
    shipments = [
        f.get("shipment_status")
        for f in r.items("fulfillments")
        if isinstance(f, dict) and f.get(SHIPPED[0]) == SHIPPED[1]
    ]
    if cancelled:
        key = "cancelled"
    elif financial in {"refunded", "voided"}:
        key = financial
    elif fulfillment == "fulfilled" and shipments and all(s == "delivered" for s in shipments):
        key = "delivered"
    elif fulfillment != "null":
        key = fulfillment
    else:
        key = financial
    return raw, key


def _lines(r: Reader, currency: str) -> list[Line]:
    lines = []
    for item in r.items("line_items"):
        li = r.sub(item, "line_items[]")
        qty = li.number("lines.qty", "quantity", default=1)
        price = li.money("lines.unit_price_cents", "price", currency=currency) or 0
        discount = li.money(None, "total_discount", currency=currency) or 0
        lines.append(
            Line(
                sku=li.text("lines.sku", "sku"),
                title=li.text("lines.title", "title", "name"),
                qty=qty,
                unit_price_cents=price,
                is_gift=price == 0 or (qty > 0 and discount >= price * qty),
            )
        )
    return lines


def _shipping(r: Reader, currency: str) -> int:
    cents = r.money(
        "shipping_cents", "total_shipping_price_set.shop_money.amount", currency=currency, default=None
    )
    if cents is not None:
        return cents
    total = 0
    for ship in r.items("shipping_lines"):
        total += r.sub(ship, "shipping_lines[]").money("shipping_cents", "price", currency=currency) or 0
    return total


def _read(r: Reader, status_map: StatusMap | None) -> Read:
    """One Shopify order object (the value of "order", or one element of "orders")."""
    currency = r.currency("currency", "presentment_currency")
    raw_status, key = _status(r)
    placed_at = r.ts("placed_at", "created_at", required=True)
    shipped = _shipped_index(r)
    fields: dict[str, Any] = {
        "placed_at": placed_at,
        "updated_at": r.ts("updated_at", "updated_at"),
        "paid_at": r.ts("paid_at", "processed_at") if r.text(None, "financial_status") in _PAID else None,
        "total_cents": r.money("total_cents", "total_price", currency=currency),
        "discount_cents": r.money("discount_cents", "total_discounts", currency=currency),
        "shipping_cents": _shipping(r, currency),
        "buyer_id": r.text("buyer_id", "customer.id"),
        "buyer_note": r.text("buyer_note", "note"),
        "receiver_name": r.text("receiver_name", "shipping_address.name")
        or joined(
            r.text("receiver_name", "shipping_address.first_name"),
            r.text(None, "shipping_address.last_name"),
            sep=" ",
        ),
        "receiver_phone": r.text("receiver_phone", "shipping_address.phone"),
        "receiver_country": r.text(
            "receiver_country", "shipping_address.country_code", "shipping_address.country"
        ),
        "receiver_province": r.text("receiver_province", "shipping_address.province"),
        "receiver_city": r.text("receiver_city", "shipping_address.city"),
        "receiver_address": joined(
            r.text("receiver_address", "shipping_address.address1"), r.text(None, "shipping_address.address2")
        ),
        "carrier": None if shipped is None else r.text("carrier", f"fulfillments.{shipped}.tracking_company"),
        "tracking_no": None if shipped is None else r.text("tracking_no", f"fulfillments.{shipped}.tracking_number"),
    }
    delivered = None
    if key == "delivered":
        delivered = dated(r, "event.delivered", "fulfillments", "updated_at", latest=True, where=SHIPPED)
    times = {
        "shipped": dated(r, "event.shipped", "fulfillments", "created_at", where=SHIPPED),
        "delivered": delivered,
        "cancelled": r.ts("event.cancelled", "cancelled_at"),
        "refunded": dated(r, "event.refunded", "refunds", "created_at", latest=True)
        if r.raw(None, "financial_status") == "refunded"
        else None,
    }
    return Read(currency, raw_status, fields, _lines(r, currency), times, status_key=key)


normalize = Normalizer(PLATFORM, "id", _read)
