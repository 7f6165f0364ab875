"""Shopify as the sandbox plays it: an order of `GET /admin/api/<version>/orders.json`.

The order object follows the documentation named in ./normalize.py's docstring; the sandbox
(`sim.sandbox`), the round-trip tests and bench write orders with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from ingest.platforms.base import SandboxShape
from ingest.platforms.sample import SimOrder, first_last, numeric_id

SHOP_OFFSET = timezone(timedelta(hours=-5))  # the demo shop's zone: Shopify writes local times with offset


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(SHOP_OFFSET).isoformat() if at else None


def render(sim: SimOrder, key: str) -> dict[str, Any]:
    financial = {"pending": "pending", "refunded": "refunded"}.get(key, "paid")
    fulfillment = {"fulfilled": "fulfilled", "delivered": "fulfilled", "restocked": "restocked"}.get(key)
    if key == "cancelled":
        financial = "voided" if sim.paid is None else "refunded"
    fulfillments = (
        []
        if not (sim.shipped or fulfillment)
        else [
            {
                "id": 1,
                "status": "success",
                "created_at": _iso(sim.shipped or sim.updated),
                "updated_at": _iso(sim.delivered or sim.shipped or sim.updated),
                "shipment_status": "delivered" if key == "delivered" else "in_transit",
                "tracking_company": sim.carrier,
                "tracking_number": sim.tracking_no,
            }
        ]
    )
    first, last = first_last(sim)
    return {
        "id": numeric_id(sim.platform_order_id),
        "name": f"#{sim.platform_order_id}",
        "created_at": _iso(sim.created),
        "updated_at": _iso(sim.updated),
        "processed_at": _iso(sim.paid),
        "cancelled_at": _iso(sim.cancelled) if key == "cancelled" else None,
        "financial_status": financial,
        "fulfillment_status": fulfillment,
        "currency": sim.currency,
        "total_price": sim.total,
        "total_discounts": sim.discount,
        "total_shipping_price_set": {"shop_money": {"amount": sim.shipping, "currency_code": sim.currency}},
        "note": sim.buyer_note,
        "customer": {"id": 7001, "phone": "+6590000000"},
        "shipping_address": {
            "first_name": first,
            "last_name": last,
            "name": sim.receiver_name,
            "phone": sim.receiver_phone,
            "address1": sim.receiver_address,
            "address2": None,
            "city": sim.receiver_city,
            "province": sim.receiver_province,
            "country_code": sim.receiver_country,
        },
        "line_items": [
            {
                "id": n,
                "sku": li.sku,
                "title": li.title,
                "quantity": li.qty,
                "price": li.price,
                "total_discount": str(Decimal(li.price) * li.qty) if li.is_gift else "0.00",
            }
            for n, li in enumerate(sim.lines, start=1)
        ],
        "fulfillments": fulfillments,
        "refunds": [{"id": 1, "created_at": _iso(sim.cancelled or sim.updated)}]
        if financial == "refunded"
        else [],
    }


def list_body(orders: list[dict[str, Any]]) -> dict[str, Any]:
    return {"orders": orders}


SANDBOX = SandboxShape(
    shop_id="orderhub-demo",
    credentials={"access_token": "shpat_sandbox_demo_token"},
    order_id=lambda placed, n: f"{5100000000 + n}",
    render=render,
    list_body=list_body,
    throttled={"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume."},
    drift_field="created_at",
)
