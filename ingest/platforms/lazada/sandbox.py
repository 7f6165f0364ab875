"""Lazada as the sandbox plays it: an order of `/orders/get` with its `/orders/items/get` items merged.

The order object follows the documentation named in ./normalize.py's docstring; the sandbox
(`sim.sandbox`), the round-trip tests and bench write orders with it. As on Lazada, nothing dates the
payment: an order is `unpaid` until its simulated payment, then `pending`, and each item's `updated_at` is
its last status change (so a pull while it is `pending` sees the payment's time). The sandbox's buyers
pay up front (`payment_method` "MIXEDCARD"); cash-on-delivery orders are the fixtures' (tests/fixtures/lazada).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import Any

from ingest.platforms.base import SandboxShape
from ingest.platforms.sample import SHOP_TZ, SimOrder, first_last, units

PROMISE = timedelta(hours=48)  # ship-by: paid + 48 h, written as the docs' example, local time without offset


def item_id(platform_order_id: str, n: int) -> int:
    """Lazada's order item ids are unique across orders (/order/rts names items only): order id × 100 + n
    (Lazada's ids are digits; any other id, as property tests draw, is numbered by its CRC-32)."""
    number = int(platform_order_id) if platform_order_id.isdigit() else zlib.crc32(platform_order_id.encode())
    return number * 100 + n


def status_changed(sim: SimOrder) -> datetime:
    """When the items last changed status: the latest lifecycle step (an address edit is the order's only)."""
    return max(t for t in (sim.created, sim.paid, sim.shipped, sim.delivered, sim.cancelled) if t)


def render(sim: SimOrder, status: str) -> dict[str, Any]:
    first, last = first_last(sim)
    promised = (sim.paid + PROMISE).astimezone(SHOP_TZ).strftime("%Y-%m-%d %H:%M:%S") if sim.paid else ""
    stamp = "%Y-%m-%d %H:%M:%S %z"
    items = [
        {
            "order_item_id": item_id(sim.platform_order_id, n),
            "order_id": sim.platform_order_id,
            "name": li.title,
            "sku": li.sku,
            "item_price": float(li.price),
            "paid_price": 0.0 if li.is_gift else float(li.price),
            "currency": sim.currency,
            "status": status,
            "shipment_provider": sim.carrier or "",
            "tracking_code": sim.tracking_no or "",
            "created_at": sim.created.astimezone(SHOP_TZ).strftime(stamp),
            "updated_at": status_changed(sim).astimezone(SHOP_TZ).strftime(stamp),
        }
        for n, li in enumerate(units(sim), start=1)
    ]
    return {
        "order_id": sim.platform_order_id,
        "order_number": sim.platform_order_id,
        "created_at": sim.created.astimezone(SHOP_TZ).strftime(stamp),
        "updated_at": sim.updated.astimezone(SHOP_TZ).strftime(stamp),
        "price": sim.total,
        "shipping_fee": float(sim.shipping),
        "voucher": float(sim.discount),
        "statuses": [status],
        "payment_method": "MIXEDCARD",
        "promised_shipping_times": promised,
        "items_count": len(items),
        "remarks": sim.buyer_note or "",
        "address_shipping": {
            "first_name": first,
            "last_name": last,
            "phone": sim.receiver_phone,
            "phone2": "",
            "address1": sim.receiver_address,
            "address2": "",
            "address3": sim.receiver_province,
            "city": sim.receiver_city,
            "post_code": "",
            "country": sim.receiver_country,
        },
        "items": items,
    }


def list_body(orders: list[dict[str, Any]]) -> dict[str, Any]:
    """`/orders/get`'s body: the orders without their items (those come from `/orders/items/get`)."""
    bare = [{k: v for k, v in o.items() if k != "items"} for o in orders]
    return {
        "code": "0",
        "request_id": "sandbox",
        "data": {"count": len(bare), "countTotal": len(bare), "orders": bare},
    }


SANDBOX = SandboxShape(
    shop_id="MY1000001",
    credentials={
        "app_key": "100001",
        "app_secret": "sandbox-lazada-secret",
        "access_token": "sandbox-lazada-token",
    },
    order_id=lambda placed, n: f"{300000000 + n}",
    render=render,
    list_body=list_body,
    throttled={"code": "ApiCallLimit", "type": "ISV", "message": "Too many calls", "request_id": "sbx"},
    drift_field="created_at",
    api_root="/rest",
)
