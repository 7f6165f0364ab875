"""Lazada Open Platform orders → canonical rows. The order must carry its items under key `items`.

Shape source: Lazada Open Platform API reference, GET /orders/get (response {"code": "0", "data":
{"count": n, "countTotal": n, "orders": [...]}}), GET /order/get ({"code": "0", "data": {order}}),
GET /order/items/get ({"data": [items]}) and GET /orders/items/get ({"data": [{"order_id",
"order_items": [...]}]}); field names checked against the typed Go client wjp-letgo/lazadago
(order/entity/getordersordersresponseentity.go, getmultipleorderitemsorderitemsresponseentity.go) and
the older Seller Center docs (lazada-sellercenter.readme.io GetOrders/GetOrderItems).

Why items are merged in: Lazada has no order-level status, only `statuses` (the distinct statuses of its
items), and the currency and SKUs live on the items too. The caller fetches /orders/items/get and calls
`with_items(order, items)` (or sets payload["items"]) before `normalize`. One Lazada item is one unit.

The order's status is its least advanced live item status (an order with one item still to pack is
to be packed), or, when every item has left the flow, the last exit of cancelled → refunded → returned.
Any item status missing from the map makes the order `unknown` (raw_status lists them all).
Times come in the forms the docs' examples show: "2014-10-15 18:36:05 +0800", ISO 8601, epoch
milliseconds ("1413786247000"), and local times without an offset ("2017-03-24 16:09:22", e.g.
promised_shipping_times). Lazada writes local times in the venture's (the shop's country's) zone, so a
time without offset is read in the offset the order's own created_at carries, else in the zone of its
shipping country (MY/SG/PH +08:00, TH/VN/ID +07:00). An optional time that still cannot be read (the
docs' own placeholder "s") is left empty and counted; it never refuses the order.
Money is strings or numbers in major units.

Paid time. Lazada's order calls carry no payment time (the order has created_at, updated_at,
payment_method and statuses; each item has its own status, created_at and updated_at). What they do say:
a prepaid item leaves `unpaid` (for `pending`) when the buyer pays, and a cash-on-delivery order
(payment_method "COD") is created `pending` and paid to the courier on delivery. So `paid_at` is the
earliest `updated_at` of the items the payment has moved on: for a prepaid order, every item past `unpaid`
that was not cancelled or left unread (exact while the item is still `pending`, the payment being its
last change; after that an upper bound, "paid by then"); for a COD order, the items `delivered` or
`confirmed`. Items without updated_at fall back to the order's. An unpaid, cancelled or undelivered COD
order has no paid time. The hub keeps the earliest paid event it has seen (views.sql, order_stages), so an
order pulled while still `pending` keeps its exact time when later pulls show it shipped.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from ingest.normalize.base import Line, Reader, joined, unwrap
from ingest.normalize.rows import Normalizer, Read
from ingest.normalize.status_map import StatusMap, default_status_map
from models import lifecycle

PLATFORM = "lazada"
_RANK = {status: n for n, status in enumerate((*lifecycle.FLOW, *lifecycle.EXITS))}
# Lazada's six ventures: the zone their local times are written in (address_shipping.country is a name)
VENTURE_ZONES = {
    "MY": "Asia/Kuala_Lumpur", "MALAYSIA": "Asia/Kuala_Lumpur", "SG": "Asia/Singapore", "SINGAPORE": "Asia/Singapore",
    "PH": "Asia/Manila", "PHILIPPINES": "Asia/Manila", "TH": "Asia/Bangkok", "THAILAND": "Asia/Bangkok",
    "VN": "Asia/Ho_Chi_Minh", "VIETNAM": "Asia/Ho_Chi_Minh", "VIET NAM": "Asia/Ho_Chi_Minh",
    "ID": "Asia/Jakarta", "INDONESIA": "Asia/Jakarta",
}
_OFFSET = re.compile(r"(?:\d\d:\d\d(?::\d\d)?)\s*([+-])(\d\d):?(\d\d)$")


def shop_zone(r: Reader) -> tzinfo | None:
    """The zone of this order's local times: created_at's own offset, else its shipping country's zone."""
    created = r.raw(None, "created_at")
    found = _OFFSET.search(created.strip()) if isinstance(created, str) else None
    if found:
        return _fixed_zone(*found.groups())
    country = r.raw(None, "address_shipping.country", "address_billing.country")
    name = VENTURE_ZONES.get(" ".join(str(country).split()).upper()) if country is not None else None
    return ZoneInfo(name) if name else None


@lru_cache(maxsize=64)
def _fixed_zone(sign: str, hours: str, minutes: str) -> tzinfo:
    """'+', '08', '00' → UTC+08:00; a shop writes every time in one offset, so it is built once."""
    return timezone((-1 if sign == "-" else 1) * timedelta(hours=int(hours), minutes=int(minutes)))


def orders_in_response(body: dict | list) -> list[dict]:
    """`/orders/get` → data.orders; `/order/get` → data (one order)."""
    return unwrap(PLATFORM, body, "data.orders", "data")


def with_items(order: dict, items_body: dict | list) -> dict:
    """The order with its items merged under `items`, from /order/items/get or /orders/items/get."""
    data = items_body.get("data", items_body) if isinstance(items_body, dict) else items_body
    items: list[Any] = []
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict) and "order_items" in entry:
            if str(entry.get("order_id")) == str(order.get("order_id")):
                items.extend(entry["order_items"] or [])
        elif isinstance(entry, dict) and str(entry.get("order_id", order.get("order_id"))) == str(
            order.get("order_id")
        ):
            items.append(entry)
    return {**order, "items": items}


def _status_key(r: Reader, smap: StatusMap) -> tuple[str, str]:
    statuses = r.raw("raw_status", "statuses")
    if not isinstance(statuses, list) or not statuses:
        statuses = [r.sub(i, "items[]").text("raw_status", "status") for i in r.items("items")]
    statuses = [str(s) for s in statuses if s is not None and not isinstance(s, dict | list)]
    if not statuses:
        raise r.fail("statuses", "missing (neither the order's statuses nor any item status)")
    raw = "|".join(dict.fromkeys(statuses))
    mapped = {s: smap.lookup(PLATFORM, s) for s in statuses}
    unmapped = [s for s, m in mapped.items() if m is None]
    if unmapped:
        return raw, unmapped[0]
    live = [s for s, m in mapped.items() if m in lifecycle.FLOW]
    pool = live or list(mapped)
    pick = (
        min(pool, key=lambda s: _RANK.get(mapped[s] or "", -1))
        if live
        else max(pool, key=lambda s: _RANK.get(mapped[s] or "", -1))
    )
    return raw, pick


_COD_PAID = {"delivered", "confirmed"}  # a COD buyer pays the courier: the item was delivered
_NOT_PAID = {"pending_payment", "cancelled", lifecycle.UNKNOWN}


def _paid_at(r: Reader, smap: StatusMap, zone: tzinfo | None) -> datetime | None:
    """The earliest updated_at of the items the payment moved on (see the module docstring), else None."""
    cod = str(r.raw(None, "payment_method") or "").strip().upper() == "COD"
    statuses = r.raw(None, "statuses")
    shared = statuses[0] if isinstance(statuses, list) and len(set(map(str, statuses))) == 1 else ""
    times = []
    for item in r.items("items"):
        li = r.sub(item, "items[]")
        status = str(li.raw(None, "status") or shared)  # an item without its status: the order's only one
        paid = status in _COD_PAID if cod else (smap.lookup(PLATFORM, status) or lifecycle.UNKNOWN) not in _NOT_PAID
        if paid:
            times.append(li.ts(None, "updated_at", naive_tz=zone) or r.ts(None, "updated_at", naive_tz=zone))
    paid_at = min((t for t in times if t is not None), default=None)
    if paid_at is not None:
        r.explain.setdefault("paid_at", f"items[].updated_at ({'COD: delivered' if cod else 'past unpaid'})")
    return paid_at


def _lines(r: Reader, currency: str) -> list[Line]:
    lines = []
    for item in r.items("items"):
        li = r.sub(item, "items[]")
        price = li.money("lines.unit_price_cents", "item_price", "paid_price", currency=currency) or 0
        lines.append(
            Line(
                sku=li.text("lines.sku", "sku", "shop_sku"),
                title=li.text("lines.title", "name"),
                qty=1,
                unit_price_cents=price,
                is_gift=price == 0,
            )
        )
    return lines


def _read(r: Reader, status_map: StatusMap | None) -> Read:
    """One Lazada order with its items under `items` (see with_items)."""
    smap = status_map or default_status_map()
    if not r.items("items"):
        raise r.fail(
            "items", "missing: Lazada keeps currency and status on the items; pass the saved /orders/items/get "
            "response with --items (or merge it with lazada.with_items)"
        )
    currency = r.currency("items.0.currency", "currency")
    raw_status, key = _status_key(r, smap)
    zone = shop_zone(r)
    fields: dict[str, Any] = {
        "placed_at": r.ts("placed_at", "created_at", required=True, naive_tz=zone),
        "updated_at": r.ts("updated_at", "updated_at", naive_tz=zone),
        "paid_at": _paid_at(r, smap, zone),
        "total_cents": r.money("total_cents", "price", currency=currency),
        "shipping_cents": r.money("shipping_cents", "shipping_fee", currency=currency),
        "discount_cents": r.money("discount_cents", "voucher", currency=currency),
        "buyer_id": r.text("buyer_id", "items.0.buyer_id"),
        "buyer_note": r.text("buyer_note", "remarks"),
        "receiver_name": joined(
            r.text("receiver_name", "address_shipping.first_name"),
            r.text(None, "address_shipping.last_name"),
            sep=" ",
        ),
        "receiver_phone": r.text("receiver_phone", "address_shipping.phone"),
        "receiver_country": r.text("receiver_country", "address_shipping.country"),
        "receiver_province": r.text("receiver_province", "address_shipping.address3"),
        "receiver_city": r.text("receiver_city", "address_shipping.city"),
        "receiver_address": joined(
            r.text("receiver_address", "address_shipping.address1"), r.text(None, "address_shipping.address2")
        ),
        "carrier": r.text("carrier", "items.0.shipment_provider"),
        "tracking_no": r.text("tracking_no", "items.0.tracking_code"),
        "ship_by_at": r.ts(
            "ship_by_at", "promised_shipping_times", "items.0.promised_shipping_time", naive_tz=zone
        ),
    }
    return Read(currency, raw_status, fields, _lines(r, currency), status_key=key)


normalize = Normalizer(PLATFORM, "order_id", _read)
