"""Shopify: expected values worked out by hand from tests/fixtures/shopify/*.json."""

from __future__ import annotations

import copy

import pytest

from ingest.normalize.base import BadRecord
from ingest.platforms.shopify import normalize as shopify
from models import ids
from tests.ingest.conftest import FETCHED_AT, events, load, normalize_all, utc


@pytest.fixture(scope="module")
def orders():
    return normalize_all("shopify", "orders.json")


def test_list_response_yields_every_order(orders):
    assert sorted(orders) == ["5551001", "5551002", "5551003", "5551004", "5551005"]


def test_paid_unfulfilled_order_fields(orders):
    o = orders["5551001"].order
    assert o["order_id"] == ids.order_id("shopify", "shop-1", "5551001")
    assert o["status"] == "to_ship" and o["raw_status"] == "paid/null"
    assert (o["currency"], o["total_cents"], o["shipping_cents"], o["discount_cents"]) == (
        "USD",
        5990,
        490,
        500,
    )
    assert o["placed_at"] == utc("2026-03-01T15:15:00Z")  # 10:15 at -05:00
    assert o["paid_at"] == utc("2026-03-01T15:16:30Z")
    assert (
        o["receiver_name"] == "Ana Lima" and o["receiver_city"] == "Austin" and o["receiver_country"] == "US"
    )
    assert o["receiver_address"] == "12 Main St, Apt 4"
    assert o["buyer_note"] == "Please gift wrap" and o["buyer_id"] == "7001"


def test_receiver_phone_is_shipping_address_phone_not_customer_phone(orders):
    assert orders["5551001"].order["receiver_phone"] == "+1 555 0199"


def test_zero_price_line_is_a_gift(orders):
    result = orders["5551001"]
    assert [(li["sku"], li["qty"], li["unit_price_cents"], li["is_gift"]) for li in result.lines] == [
        ("TEA-01", 2, 2500, False),
        ("CUP-GIFT", 1, 0, True),
    ]
    assert result.order["has_gift"] is True


def test_delivered_order_events_and_masked_phone(orders):
    result = orders["5551002"]
    assert result.order["status"] == "delivered"
    assert result.order["receiver_phone"] == "+1 555 ***9"
    assert (result.order["carrier"], result.order["tracking_no"]) == ("UPS", "1Z999AA10123456784")
    assert events(result) == {
        "placed": utc("2026-03-01T12:00:00Z"),
        "paid": utc("2026-03-01T12:00:05Z"),
        "shipped": utc("2026-03-02T01:00:00Z"),
        "delivered": utc("2026-03-04T10:30:00Z"),
    }


def test_cancelled_and_refunded(orders):
    cancelled, refunded = orders["5551003"], orders["5551004"]
    assert cancelled.order["status"] == "cancelled" and cancelled.order["paid_at"] is None
    assert events(cancelled)["cancelled"] == utc("2026-03-03T08:00:00Z")
    assert refunded.order["status"] == "refunded"
    assert events(refunded)["refunded"] == utc("2026-03-05T17:00:00Z")  # 12:00 at -05:00


def test_unmapped_status_is_kept_with_an_exception(orders):
    result = orders["5551005"]
    assert result.order["status"] == "unknown" and result.order["raw_status"] == "disputed/null"
    [exc] = result.exceptions
    oid = ids.order_id("shopify", "shop-1", "5551005")
    assert exc["exception_id"] == ids.stable_hash(oid, "unmapped_status", "disputed/null")
    assert (exc["type"], exc["severity"], exc["status"], exc["source"], exc["rule_id"]) == (
        "unmapped_status",
        "high",
        "open",
        "ingest",
        "ingest.status_map",
    )


def test_single_order_response_with_grouped_amount():
    [payload] = shopify.orders_in_response(load("shopify", "order.json"))
    result = shopify.normalize(payload, shop_id="eu", fetched_at=FETCHED_AT, batch_id="b")
    assert result.order["total_cents"] == 129900  # "1,299.00"
    assert result.order["placed_at"] == utc("2026-04-11T06:30:00Z")  # 23:30 at -07:00
    assert result.order["status"] == "to_ship"  # partially fulfilled


def test_explain_names_raw_paths(orders):
    explain = orders["5551001"].explain
    assert explain["receiver_phone"] == "shipping_address.phone"
    assert explain["placed_at"] == "created_at"
    assert explain["lines.unit_price_cents"] == "line_items[].price"


def test_missing_id_and_bad_date_are_bad_records():
    payload = load("shopify", "order.json")["order"]
    no_id = {k: v for k, v in payload.items() if k != "id"}
    with pytest.raises(BadRecord) as err:
        shopify.normalize(no_id, shop_id="s", fetched_at=FETCHED_AT, batch_id="b")
    assert err.value.field == "id" and "shopify" in str(err.value)
    bad_date = copy.deepcopy(payload) | {"created_at": "yesterday"}
    with pytest.raises(BadRecord) as err:
        shopify.normalize(bad_date, shop_id="s", fetched_at=FETCHED_AT, batch_id="b")
    assert err.value.field == "created_at" and "5551010" in str(err.value)
