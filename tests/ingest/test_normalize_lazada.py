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


@pytest.fixture(scope="module")
def paid():
    return normalize_all("lazada", "orders_paid.json")


def test_paid_at_is_the_earliest_item_moved_on_by_the_payment(paid):
    """Lazada has no payment time: a prepaid item left `unpaid` when paid, stamping its updated_at."""
    # two pending items updated 14:21:30 and 14:20:00 +0800, the cancelled one (14:10) never paid
    assert paid["300123456801"].order["paid_at"] == utc("2026-03-10T06:20:00Z")
    assert events(paid["300123456801"])["paid"] == utc("2026-03-10T06:20:00Z")
    # moved on past pending: ready_to_ship 09:00 and shipped 17:30 +0800 → paid by 09:00 at the latest
    assert paid["300123456802"].order["paid_at"] == utc("2026-03-11T01:00:00Z")
    # an item without status or updated_at: the order's only status (pending) and its 07:12 +0800
    assert paid["300123456806"].order["paid_at"] == utc("2026-03-13T23:12:00Z")


def test_cash_on_delivery_is_paid_on_delivery_and_unpaid_is_not_paid(paid):
    # COD delivered: the item's 15:00 +0800, not the order's later 09:00 next day
    assert paid["300123456803"].order["paid_at"] == utc("2026-03-12T07:00:00Z")
    assert paid["300123456804"].order["paid_at"] is None  # COD shipped, not delivered yet
    assert "paid" not in events(paid["300123456804"])
    assert paid["300123456805"].order["paid_at"] is None  # over-the-counter, still unpaid
    assert paid["300123456805"].order["status"] == "pending_payment"


def test_fixtures_without_payment_time(merged):
    """Prepaid (no payment_method) items without timestamps: the order's updated_at."""
    assert merged["300123456791"].order["paid_at"] == utc("2026-03-05T08:45:00Z")  # 16:45 +0800
    assert merged["300123456793"].order["paid_at"] is None  # unmapped status: not known to be paid
    cod = lazada.normalize(_merged(300123456789), shop_id="my", fetched_at=FETCHED_AT, batch_id="b").order
    assert cod["paid_at"] is None  # COD, pending
