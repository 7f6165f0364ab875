"""WooCommerce as the sandbox plays it: an order of `GET /wp-json/wc/v3/orders`.

The order object follows the documentation named in ./normalize.py's docstring; the sandbox
(`sim.sandbox`), the round-trip tests and bench write orders with it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ingest.platforms.base import SandboxShape
from ingest.platforms.sample import SHOP_TZ, SimOrder, first_last, naive, numeric_id


def render(sim: SimOrder, status: str) -> dict[str, Any]:
    first, last = first_last(sim)
    return {
        "id": numeric_id(sim.platform_order_id),
        "status": status,
        "currency": sim.currency,
        "date_created": naive(sim.created, SHOP_TZ),
        "date_created_gmt": naive(sim.created),
        "date_modified": naive(sim.updated, SHOP_TZ),
        "date_modified_gmt": naive(sim.updated),
        "date_paid": naive(sim.paid, SHOP_TZ),
        "date_paid_gmt": naive(sim.paid),
        "date_completed_gmt": naive(sim.delivered) if status == "completed" else None,
        "discount_total": sim.discount,
        "shipping_total": sim.shipping,
        "total": sim.total,
        "customer_id": 12,
        "customer_note": sim.buyer_note or "",
        "billing": {"first_name": first, "last_name": last, "phone": "+60120000000"},
        "shipping": {
            "first_name": first,
            "last_name": last,
            "address_1": sim.receiver_address,
            "address_2": "",
            "city": sim.receiver_city,
            "state": sim.receiver_province,
            "country": sim.receiver_country,
            "phone": sim.receiver_phone,
        },
        "line_items": [
            {
                "id": n,
                "name": li.title,
                "sku": li.sku,
                "quantity": li.qty,
                "subtotal": str(Decimal(li.price) * li.qty),
                "total": "0.00" if li.is_gift else str(Decimal(li.price) * li.qty),
                "price": 0 if li.is_gift else float(li.price),
            }
            for n, li in enumerate(sim.lines, start=1)
        ],
    }


def list_body(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return orders


SANDBOX = SandboxShape(
    shop_id="orderhub-demo-woo",
    credentials={"consumer_key": "ck_sandbox_demo", "consumer_secret": "cs_sandbox_demo_secret"},
    order_id=lambda placed, n: f"{1000 + n}",
    render=render,
    list_body=list_body,
    throttled={"code": "too_many_requests", "message": "Too many requests.", "data": {"status": 429}},
    drift_field="date_created_gmt",
)
