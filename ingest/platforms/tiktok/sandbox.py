"""TikTok Shop as the sandbox plays it: an order of `POST /order/202309/orders/search`.

The order object follows the documentation named in ./normalize.py's docstring; the sandbox
(`sim.sandbox`), the round-trip tests and bench write orders with it.
"""

from __future__ import annotations

import zlib
from typing import Any

from ingest.platforms.base import SandboxShape
from ingest.platforms.sample import SimOrder, epoch, units

# The shop's delivery options and, for each, the shipping providers it offers (`GET /logistics/202309/
# delivery_options/{delivery_option_id}/shipping_providers`: `data.shipping_providers[{id, name}]`). The
# names are spelled as TikTok spells them, not as the hub does ("J & T" for the hub's "J&T"); ZTO is
# offered only for standard shipping.
DELIVERY_OPTIONS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "7091146663229654785": ("Standard shipping", (("6617675021119438849", "SF"), ("6617675021119438850", "J & T"),
                                                  ("6617675021119438851", "NinjaVan"), ("6617675021119438852", "zto"))),
    "7091146663229654786": ("Express shipping", (("6617675021119438849", "SF"),)),
}


def delivery_option(platform_order_id: str) -> str:
    """The delivery option the buyer chose for a sandbox order (every other numbered order chose express; an
    id with letters, as the round-trip tests draw them, by its checksum)."""
    number = int(platform_order_id) if platform_order_id.isdigit() else zlib.crc32(platform_order_id.encode())
    return sorted(DELIVERY_OPTIONS)[number % len(DELIVERY_OPTIONS)]


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
        "delivery_option_id": delivery_option(sim.platform_order_id),
        "delivery_option_name": DELIVERY_OPTIONS[delivery_option(sim.platform_order_id)][0],
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
