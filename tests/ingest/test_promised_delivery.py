"""The promised delivery time is kept from the platforms whose documentation carries one, and from files.

TikTok Shop (Order detail 202309): `delivery_sla_time` "Order should arrive by this date to be considered
on-time and to avoid late delivery penalties"; `delivery_option_required_delivery_time` "Order should be
delivered before this time"; `delivery_due_time` is the auto-cancel deadline (not delivered by then, TikTok
cancels the order), so it is no promise. Shopify, WooCommerce and Lazada orders carry no delivery promise
(Lazada's `promised_shipping_time(s)` is the ship-by time).
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest

from ingest.files.importer import import_file
from ingest.files.profile import load_profile
from ingest.normalize import registry
from models import db
from models.settings import load_settings
from tests.ingest.conftest import FETCHED_AT, load, utc

DELIVERED = "576461413038785754"  # the delivered order of the saved TikTok response


def tiktok_order(**fields: int) -> dict:
    response = copy.deepcopy(load("tiktok", "orders_search.json"))
    [order] = [o for o in registry.orders_in_response("tiktok", response) if o["id"] == DELIVERED]
    order.update(fields)
    return registry.normalize("tiktok", order, shop_id="shop-1", fetched_at=FETCHED_AT, batch_id="b").order


def test_tiktok_delivery_sla_time_is_the_promise():
    o = tiktok_order(delivery_sla_time=1700611200, delivery_option_required_delivery_time=1700697600,
                     delivery_due_time=1701216000)
    assert o["promised_delivery_at"] == utc("2023-11-22T00:00:00Z")  # 1700611200


def test_tiktok_required_delivery_time_when_no_sla_time():
    o = tiktok_order(delivery_option_required_delivery_time=1700697600, delivery_due_time=1701216000)
    assert o["promised_delivery_at"] == utc("2023-11-23T00:00:00Z")  # 1700697600


def test_tiktok_auto_cancel_deadline_is_no_promise():
    assert tiktok_order(delivery_due_time=1701216000)["promised_delivery_at"] is None


@pytest.mark.parametrize("platform, name", [("shopify", "orders.json"), ("woocommerce", "orders.json"),
                                            ("shopee", "order_detail.json"), ("lazada", "orders_with_items.json")])
def test_platforms_without_a_documented_promise_leave_it_empty(platform: str, name: str):
    response = load(platform, name)
    orders = registry.orders_in_response(platform, response)
    results = [registry.normalize(platform, o, shop_id="s", fetched_at=FETCHED_AT, batch_id="b") for o in orders]
    assert results and all(r.order["promised_delivery_at"] is None for r in results)


PROFILE = """
[source]
channel = "tmall"
shop = "tmall-flagship"
currency = "CNY"
timezone = "Asia/Shanghai"
date_formats = ["%Y-%m-%d %H:%M"]

[columns]
platform_order_id = "order"
total_cents = "total"
promised_delivery_at = "promised"

[events]
placed = "placed"

[status]
column = "status"

[status.values]
"done" = "completed"
"""


def test_a_file_column_fills_the_promise_in_the_profile_zone(tmp_path: Path):
    csv = tmp_path / "orders.csv"
    csv.write_text("order,total,promised,placed,status\n"
                   "T1,10.00,2026-03-05 18:00,2026-03-02 10:00,done\n"
                   "T2,20.00,,2026-03-02 11:00,done\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text(PROFILE, encoding="utf-8")
    result = import_file(csv, load_profile(tmp_path / "p.toml"), tmp_path / "lake", now=FETCHED_AT,
                         stream=io.StringIO())
    assert (result.orders, result.rejected_rows) == (2, 0)
    lake = db.connect(load_settings(tmp_path))
    try:
        rows = lake.sql("select platform_order_id, promised_delivery_at from orders order by 1").fetchall()
    finally:
        lake.close()
    assert rows == [("T1", utc("2026-03-05T10:00:00Z")), ("T2", None)]  # 18:00 Shanghai = 10:00 UTC
