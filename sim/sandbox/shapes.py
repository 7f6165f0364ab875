"""One renderer per platform: SimOrder → the order object exactly as that platform's API returns it.

The shapes follow the documentation named in each ingest/normalize/<platform>.py docstring.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sim.sandbox.sim import SHOP_TZ, SimLine, SimOrder, raw_status


def _numeric_id(text: str) -> int | str:
    """Shopify and WooCommerce ids are JSON numbers; an id a number cannot hold stays a string."""
    return int(text) if text.isdigit() and str(int(text)) == text else text


def _epoch(at: datetime | None) -> int:
    return int(at.timestamp()) if at else 0


def _iso(at: datetime | None, tz: timezone = timezone(timedelta(hours=-5))) -> str | None:
    return at.astimezone(tz).isoformat() if at else None


def _naive(at: datetime | None, tz: timezone = UTC) -> str | None:
    return at.astimezone(tz).replace(tzinfo=None).isoformat() if at else None


def _units(sim: SimOrder) -> list[SimLine]:
    """Lazada and TikTok list one line item per unit."""
    return [SimLine(li.sku, li.title, 1, li.price, li.is_gift) for li in sim.lines for _ in range(li.qty)]


def shopify(sim: SimOrder) -> dict[str, Any]:
    key = raw_status("shopify", sim.stage)
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
    first, _, last = (sim.receiver_name or "").partition(" ")
    return {
        "id": _numeric_id(sim.platform_order_id),
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


def woocommerce(sim: SimOrder) -> dict[str, Any]:
    status = raw_status("woocommerce", sim.stage)
    first, _, last = (sim.receiver_name or "").partition(" ")
    return {
        "id": _numeric_id(sim.platform_order_id),
        "status": status,
        "currency": sim.currency,
        "date_created": _naive(sim.created, SHOP_TZ),
        "date_created_gmt": _naive(sim.created),
        "date_modified": _naive(sim.updated, SHOP_TZ),
        "date_modified_gmt": _naive(sim.updated),
        "date_paid": _naive(sim.paid, SHOP_TZ),
        "date_paid_gmt": _naive(sim.paid),
        "date_completed_gmt": _naive(sim.delivered) if status == "completed" else None,
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


def shopee(sim: SimOrder) -> dict[str, Any]:
    return {
        "order_sn": sim.platform_order_id,
        "region": sim.receiver_country,
        "currency": sim.currency,
        "order_status": raw_status("shopee", sim.stage),
        "total_amount": float(sim.total),
        "estimated_shipping_fee": float(sim.shipping),
        "actual_shipping_fee": float(sim.shipping),
        "create_time": _epoch(sim.created),
        "update_time": _epoch(sim.updated),
        "pay_time": _epoch(sim.paid),
        "pickup_done_time": _epoch(sim.shipped),
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


def lazada(sim: SimOrder) -> dict[str, Any]:
    status = raw_status("lazada", sim.stage)
    first, _, last = (sim.receiver_name or "").partition(" ")
    stamp = "%Y-%m-%d %H:%M:%S %z"
    items = [
        {
            "order_item_id": n,
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
        }
        for n, li in enumerate(_units(sim), start=1)
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


def tiktok(sim: SimOrder) -> dict[str, Any]:
    status = raw_status("tiktok", sim.stage)
    return {
        "id": sim.platform_order_id,
        "status": status,
        "create_time": _epoch(sim.created),
        "update_time": _epoch(sim.updated),
        "paid_time": _epoch(sim.paid),
        "collection_time": _epoch(sim.shipped),
        "delivery_time": _epoch(sim.delivered) if status in {"DELIVERED", "COMPLETED"} else 0,
        "cancel_time": _epoch(sim.cancelled) if status == "CANCELLED" else 0,
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
            for n, li in enumerate(_units(sim), start=1)
        ],
    }
