"""TikTok Shop as the sandbox plays it: an order of `POST /order/202309/orders/search`.

The order object follows the documentation named in ./normalize.py's docstring; the sandbox
(`sim.sandbox`), the round-trip tests and bench write orders with it.
"""

from __future__ import annotations

from typing import Any

from ingest.platforms.base import SandboxShape
from ingest.platforms.sample import SimOrder, epoch, units


def render(sim: SimOrder, status: str) -> dict[str, Any]:
    return {
        "id": sim.platform_order_id,
        "status": status,
        "create_time": epoch(sim.created),
        "update_time": epoch(sim.updated),
        "paid_time": epoch(sim.paid),
        "collection_time": epoch(sim.shipped),
        "delivery_time": epoch(sim.delivered) if status in {"DELIVERED", "COMPLETED"} else 0,
        "cancel_time": epoch(sim.cancelled) if status == "CANCELLED" else 0,
        "buyer_message": sim.buyer_note or "",
        "user_id": "7494",
        "tracking_number": sim.tracking_no or "",
        "shipping_provider": sim.carrier or "",
        "payment": {
            "currency": sim.currency,
            "total_amount": sim.total,
            "shipping_fee": sim.shipping,
            "seller_discount": sim.discount,
            "platform_discount": "0",
        },
        "recipient_address": {
            "name": sim.receiver_name,
            "phone_number": sim.receiver_phone,
            "full_address": sim.receiver_address,
            "region_code": sim.receiver_country,
            "postal_code": "",
            "district_info": [
                {
                    "address_level": "L1",
                    "address_level_name": "Province",
                    "address_name": sim.receiver_province,
                },
                {"address_level": "L3", "address_level_name": "City", "address_name": sim.receiver_city},
            ],
        },
        "line_items": [
            {
                "id": str(n),
                "seller_sku": li.sku,
                "product_name": li.title,
                "sale_price": li.price,
                "original_price": li.price,
                "currency": sim.currency,
                "is_gift": li.is_gift,
                "display_status": status,
            }
            for n, li in enumerate(units(sim), start=1)
        ],
    }


def list_body(orders: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "code": 0,
        "message": "Success",
        "request_id": "sandbox",
        "data": {"orders": orders, "total_count": len(orders)},
    }


SANDBOX = SandboxShape(
    shop_id="7000001",
    credentials={
        "app_key": "sandboxapp",
        "app_secret": "sandbox-tiktok-secret",
        "access_token": "sandbox-tiktok-token",
        "shop_cipher": "SANDBOX_CIPHER",
    },
    order_id=lambda placed, n: f"57{n:016d}",
    render=render,
    list_body=list_body,
    throttled={"code": 36009002, "message": "Too many requests, please retry later.", "data": {}},
    drift_field="create_time",
)
