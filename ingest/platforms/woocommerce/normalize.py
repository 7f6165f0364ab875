"""WooCommerce REST API v3 `orders` → canonical rows.

Shape source: WooCommerce REST API docs (woocommerce.github.io/woocommerce-rest-api-docs, "Order
properties"; GET /wp-json/wc/v3/orders → JSON array, GET /orders/<id> → one object) and the
woocommerce/woocommerce wiki "Order and Order Line Item Data". Money is decimal strings ("29.35"),
except line_items[].price, which is a number. Each date comes twice: `date_created` in the site's local
time without offset and `date_created_gmt` in UTC without offset; only the *_gmt fields are read, because
the site's zone is not in the payload. `shipping.phone` (WooCommerce ≥ 5.6) is the receiver's phone;
`billing.phone` is the buyer's and is never used as the receiver's. WooCommerce has no shipped time.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from ingest.normalize.base import Line, Reader, joined, unwrap
from ingest.normalize.rows import Normalizer, Read
from ingest.normalize.status_map import StatusMap

PLATFORM = "woocommerce"


def orders_in_response(body: dict | list) -> list[dict]:
    """A JSON array of orders (list endpoint) or one order object."""
    if isinstance(body, dict) and "id" not in body:
        return unwrap(PLATFORM, body, "orders")
    return unwrap(PLATFORM, body, bare=True)


def _lines(r: Reader, currency: str) -> list[Line]:
    lines = []
    for item in r.items("line_items"):
        li = r.sub(item, "line_items[]")
        qty = li.number("lines.qty", "quantity", default=1)
        price = li.money("lines.unit_price_cents", "price", currency=currency) or 0
        lines.append(
            Line(
                sku=li.text("lines.sku", "sku"),
                title=li.text("lines.title", "name"),
                qty=qty,
                unit_price_cents=price,
                is_gift=price == 0,
            )
        )
    return lines


def _read(r: Reader, status_map: StatusMap | None) -> Read:
    """One WooCommerce order object; dates from the *_gmt fields (UTC without offset)."""
    currency = r.currency("currency")
    raw_status = r.text("raw_status", "status", required=True) or ""
    fields: dict[str, Any] = {
        "placed_at": r.ts("placed_at", "date_created_gmt", required=True, naive_tz=UTC),
        "updated_at": r.ts("updated_at", "date_modified_gmt", naive_tz=UTC),
        "paid_at": r.ts("paid_at", "date_paid_gmt", naive_tz=UTC),
        "total_cents": r.money("total_cents", "total", currency=currency),
        "shipping_cents": r.money("shipping_cents", "shipping_total", currency=currency),
        "discount_cents": r.money("discount_cents", "discount_total", currency=currency),
        "buyer_id": r.text("buyer_id", "customer_id"),
        "buyer_note": r.text("buyer_note", "customer_note"),
        "receiver_name": joined(
            r.text("receiver_name", "shipping.first_name"), r.text(None, "shipping.last_name"), sep=" "
        ),
        "receiver_phone": r.text("receiver_phone", "shipping.phone"),
        "receiver_country": r.text("receiver_country", "shipping.country"),
        "receiver_province": r.text("receiver_province", "shipping.state"),
        "receiver_city": r.text("receiver_city", "shipping.city"),
        "receiver_address": joined(
            r.text("receiver_address", "shipping.address_1"), r.text(None, "shipping.address_2")
        ),
    }
    times = {"completed": r.ts("event.completed", "date_completed_gmt", naive_tz=UTC)}
    return Read(currency, raw_status, fields, _lines(r, currency), times)


normalize = Normalizer(PLATFORM, "id", _read)
