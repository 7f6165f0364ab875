"""TikTok Shop: expected values worked out by hand from tests/fixtures/tiktok/*.json."""

from __future__ import annotations

import pytest

from ingest.platforms.tiktok import normalize as tiktok
from tests.ingest.conftest import FETCHED_AT, events, load, normalize_all, utc


@pytest.fixture(scope="module")
def orders():
    return normalize_all("tiktok", "orders_search.json")


def test_awaiting_shipment_order(orders):
    o = orders["576461413038785752"].order
    assert (o["status"], o["raw_status"]) == ("to_ship", "AWAITING_SHIPMENT")
    assert o["placed_at"] == utc("2023-11-14T22:13:20Z") and o["paid_at"] == utc("2023-11-14T22:14:20Z")
    # total "598.00", shipping "40.00", seller 20.00 + platform 10.00 discount
    assert (o["currency"], o["total_cents"], o["shipping_cents"], o["discount_cents"]) == (
        "THB",
        59800,
        4000,
        3000,
    )
    assert o["receiver_phone"] == "(+66)81****678"
    assert (o["receiver_country"], o["receiver_province"], o["receiver_city"]) == (
        "TH",
        "Bangkok",
        "Pathum Wan",
    )


def test_one_line_per_unit_and_gift_flag(orders):
    lines = orders["576461413038785752"].lines
    assert [(li["sku"], li["unit_price_cents"], li["is_gift"]) for li in lines] == [
        ("SKU-TH-1", 27900, False),
        ("SKU-TH-1", 27900, False),
        ("GIFT-SPOON", 0, True),
    ]


def test_cancelled_and_delivered_events(orders):
    assert events(orders["576461413038785753"])["cancelled"] == utc("2023-11-15T22:13:20Z")  # 1700086400
    delivered = orders["576461413038785754"]
    assert delivered.order["receiver_city"] == "Pattaya"
    assert events(delivered) == {
        "placed": utc("2023-11-16T02:00:00Z"),
        "paid": utc("2023-11-16T02:00:50Z"),
        "packed": utc("2023-11-16T15:53:20Z"),
        "shipped": utc("2023-11-17T05:46:40Z"),
        "delivered": utc("2023-11-19T13:20:00Z"),
    }


def test_unmapped_status(orders):
    result = orders["576461413038785755"]
    assert result.order["status"] == "unknown"
    assert result.exceptions[0]["note"].startswith("tiktok status 'AWAITING_RETURN_PICKUP'")


def test_order_detail_response():
    [payload] = tiktok.orders_in_response(load("tiktok", "order_detail.json"))
    result = tiktok.normalize(payload, shop_id="sg", fetched_at=FETCHED_AT, batch_id="b")
    assert (result.order["total_cents"], result.order["shipping_cents"], result.order["discount_cents"]) == (
        4235,
        299,
        50,
    )
    assert events(result)["completed"] == utc("2023-11-27T00:00:00Z")  # update_time 1701043200
