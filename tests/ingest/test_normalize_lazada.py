"""Lazada: expected values worked out by hand from tests/fixtures/lazada/*.json."""

from __future__ import annotations

import pytest

from ingest.normalize.base import BadRecord
from ingest.platforms.lazada import normalize as lazada
from tests.ingest.conftest import FETCHED_AT, events, load, normalize_all, utc


def _merged(order_id: int) -> dict:
    orders = lazada.orders_in_response(load("lazada", "orders_get.json"))
    [order] = [o for o in orders if o["order_id"] == order_id]
    return lazada.with_items(order, load("lazada", "orders_items_get.json"))


def test_orders_get_merged_with_items_get():
    result = lazada.normalize(_merged(300123456789), shop_id="my", fetched_at=FETCHED_AT, batch_id="b")
    o = result.order
    assert o["placed_at"] == utc("2026-03-01T10:36:05Z")  # "2026-03-01 18:36:05 +0800"
    assert o["updated_at"] == utc("2026-03-02T04:00:00Z")  # ISO "2026-03-02T12:00:00+08:00"
    assert (o["currency"], o["total_cents"], o["shipping_cents"], o["discount_cents"]) == (
        "MYR",
        12980,
        500,
        1000,
    )
    assert (o["status"], o["raw_status"]) == ("to_ship", "pending")
    assert o["receiver_phone"] == "60123****89" and o["receiver_name"] == "Aisyah Rahman"
    assert o["ship_by_at"] == utc("2026-03-03T15:59:59Z")
    assert [(li["sku"], li["qty"], li["unit_price_cents"], li["is_gift"]) for li in result.lines] == [
        ("MUG-01", 1, 6240, False),
        ("MUG-01", 1, 6240, False),
        ("KEYCHAIN", 1, 0, True),
    ]
    assert o["has_gift"] is True


def test_cancelled_from_items():
    result = lazada.normalize(_merged(300123456790), shop_id="my", fetched_at=FETCHED_AT, batch_id="b")
    assert result.order["status"] == "cancelled"
    assert events(result)["cancelled"] == utc("2026-03-02T02:30:00Z")  # updated_at 10:30 +0800


@pytest.fixture(scope="module")
def merged():
    return normalize_all("lazada", "orders_with_items.json")


def test_mixed_item_statuses_take_the_least_advanced(merged):
    o = merged["300123456791"].order
    assert (o["status"], o["raw_status"]) == ("shipped", "shipped|delivered")
    assert (o["carrier"], o["tracking_no"]) == ("J&T", "JT0001")


def test_returned_and_unmapped(merged):
    assert merged["300123456792"].order["status"] == "returned"
    unknown = merged["300123456793"]
    assert unknown.order["status"] == "unknown" and len(unknown.exceptions) == 1


def test_single_order_get_with_grouped_price():
    [payload] = lazada.orders_in_response(load("lazada", "order_get.json"))
    o = lazada.normalize(payload, shop_id="th", fetched_at=FETCHED_AT, batch_id="b").order
    assert (o["currency"], o["total_cents"], o["discount_cents"]) == ("THB", 125000, 5000)  # "1,250.00"
    assert o["placed_at"] == utc("2026-03-06T13:15:30Z")  # 20:15:30 +0700
    assert o["status"] == "pending_payment"


def test_order_without_items_cannot_be_normalized():
    order = lazada.orders_in_response(load("lazada", "orders_get.json"))[0]
    with pytest.raises(BadRecord) as err:
        lazada.normalize(order, shop_id="my", fetched_at=FETCHED_AT, batch_id="b")
    assert err.value.field == "items" and "with_items" in err.value.reason
