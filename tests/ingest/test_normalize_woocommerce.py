"""WooCommerce: expected values worked out by hand from tests/fixtures/woocommerce/*.json."""

from __future__ import annotations

import pytest

from ingest.normalize.base import BadRecord
from ingest.platforms.woocommerce import normalize as woocommerce
from tests.ingest.conftest import FETCHED_AT, events, load, normalize_all, utc


@pytest.fixture(scope="module")
def orders():
    return normalize_all("woocommerce", "orders.json")


def test_times_come_from_gmt_fields_not_site_local(orders):
    o = orders["727"].order
    # date_created "2026-03-01T18:20:00" is site-local (+08:00); date_created_gmt "10:20:00" is UTC.
    assert o["placed_at"] == utc("2026-03-01T10:20:00Z")
    assert o["paid_at"] == utc("2026-03-01T10:22:00Z")


def test_processing_order_fields(orders):
    o = orders["727"].order
    assert (o["status"], o["raw_status"]) == ("to_ship", "processing")
    assert (o["currency"], o["total_cents"], o["shipping_cents"], o["discount_cents"]) == (
        "MYR",
        4550,
        500,
        0,
    )
    assert o["receiver_name"] == "Siti Aminah" and o["receiver_address"] == "8 Jalan Ampang, Unit 3A"
    assert o["receiver_province"] == "KUL" and o["buyer_note"] == "Leave at the guard house"


def test_receiver_phone_is_shipping_phone_not_billing_phone(orders):
    assert orders["727"].order["receiver_phone"] == "+60 12-345 6789"
    assert orders["729"].order["receiver_phone"] is None  # shipping.phone "" and billing never used


def test_numeric_line_price_and_gift(orders):
    lines = orders["727"].lines
    assert [(li["sku"], li["qty"], li["unit_price_cents"], li["is_gift"]) for li in lines] == [
        ("KAYA-250", 2, 2025, False),
        ("SACHET", 1, 0, True),
    ]


def test_cancelled_refunded_and_masked(orders):
    cancelled = orders["728"]
    assert cancelled.order["status"] == "cancelled"
    assert cancelled.order["receiver_phone"] == "+60 17-***-2222"
    assert events(cancelled)["cancelled"] == utc("2026-03-02T03:00:00Z")  # date_modified_gmt
    refunded = orders["729"]
    assert refunded.order["status"] == "refunded"
    assert events(refunded)["completed"] == utc("2026-03-04T06:00:00Z")


def test_custom_plugin_status_is_unknown_with_exception(orders):
    result = orders["730"]
    assert (result.order["status"], result.order["raw_status"]) == ("unknown", "awaiting-pickup")
    assert [e["type"] for e in result.exceptions] == ["unmapped_status"]


def test_single_object_response():
    [payload] = woocommerce.orders_in_response(load("woocommerce", "order.json"))
    result = woocommerce.normalize(payload, shop_id="us", fetched_at=FETCHED_AT, batch_id="b")
    assert (result.order["total_cents"], result.order["shipping_cents"], result.order["discount_cents"]) == (
        3247,
        399,
        150,
    )
    assert result.order["placed_at"] == utc("2026-05-02T00:00:00Z")
    assert result.order["status"] == "completed"


def test_offset_less_local_date_alone_is_rejected():
    payload = load("woocommerce", "order.json")
    payload = {k: v for k, v in payload.items() if k != "date_created_gmt"}
    with pytest.raises(BadRecord) as err:
        woocommerce.normalize(payload, shop_id="us", fetched_at=FETCHED_AT, batch_id="b")
    assert err.value.field == "date_created_gmt" and err.value.reason == "missing"
