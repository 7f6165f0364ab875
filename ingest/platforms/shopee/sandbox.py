"""Shopee as the sandbox plays it: an order of `get_order_detail`.

The order object follows the documentation named in ./normalize.py's docstring; the sandbox
(`sim.sandbox`), the round-trip tests and bench write orders with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ingest.platforms.base import SandboxShape
from ingest.platforms.sample import SimOrder, epoch


def render(sim: SimOrder, status: str) -> dict[str, Any]:
    return {
        "order_sn": sim.platform_order_id,
        "region": sim.receiver_country,
        "currency": sim.currency,
        "order_status": status,
        "total_amount": float(sim.total),
        "estimated_shipping_fee": float(sim.shipping),
        "actual_shipping_fee": float(sim.shipping),
        "create_time": epoch(sim.created),
        "update_time": epoch(sim.updated),
        "pay_time": epoch(sim.paid),
        "pickup_done_time": epoch(sim.shipped),
        "message_to_seller": sim.buyer_note or "",
        "buyer_user_id": 258065,
        "buyer_username": "buyer",
        "shipping_carrier": sim.carrier or "",
        "recipient_address": {
            "name": sim.receiver_name,
            "phone": sim.receiver_phone,
            "town": "",
            "district": "",
            "city": sim.receiver_city,
            "state": sim.receiver_province,
            "region": sim.receiver_country,
            "zipcode": "",
            "full_address": sim.receiver_address,
        },
        "item_list": [
            {
                "item_id": 100 + n,
                "item_name": li.title,
                "item_sku": li.sku,
                "model_sku": li.sku,
                "model_quantity_purchased": li.qty,
                "model_original_price": float(li.price),
                "model_discounted_price": float(li.price),
                "add_on_deal": li.is_gift,
                "main_item": False,
                "promotion_type": "add_on_free_gift_sub" if li.is_gift else "",
            }
            for n, li in enumerate(sim.lines, start=1)
        ],
        "package_list": [
            {
                "package_number": f"PKG{sim.platform_order_id}",
                "shipping_carrier": sim.carrier,
                "tracking_number": sim.tracking_no,
            }
        ]
        if sim.shipped
        else [],
    }


def list_body(orders: list[dict[str, Any]]) -> dict[str, Any]:
    return {"error": "", "message": "", "request_id": "sandbox", "response": {"order_list": orders}}


def order_id(placed: datetime, n: int) -> str:
    return f"{placed:%y%m%d}{n:06d}SB"


SANDBOX = SandboxShape(
    shop_id="220001",
    credentials={
        "partner_id": "2000001",
        "partner_key": "sandbox-partner-key",
        "access_token": "sandbox-shopee-token",
    },
    order_id=order_id,
    render=render,
    list_body=list_body,
    throttled={"error": "error_rate_limit", "message": "Request too frequently.", "request_id": "sbx"},
    drift_field="create_time",
)
