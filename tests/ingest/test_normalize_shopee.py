"""Shopee: expected values worked out by hand from tests/fixtures/shopee/*.json."""

from __future__ import annotations

import pytest

from ingest.normalize.base import BadRecord
from ingest.platforms.shopee import normalize as shopee
from tests.ingest.conftest import FETCHED_AT, events, load, normalize_all, utc


@pytest.fixture(scope="module")
def orders():
    return normalize_all("shopee", "order_detail.json")


def test_epoch_seconds_and_float_money(orders):
    o = orders["231114ABCD1234"].order
    assert o["placed_at"] == utc("2023-11-14T22:13:20Z")  # 1700000000
    assert o["paid_at"] == utc("2023-11-14T22:14:20Z")  # 1700000060
    assert o["ship_by_at"] == utc("2023-11-17T22:13:20Z")  # 1700259200
    assert (o["currency"], o["total_cents"], o["shipping_cents"]) == ("SGD", 1290, 199)  # 12.9, 1.99


def test_masked_recipient_phone_kept_as_sent(orders):
    o = orders["231114ABCD1234"].order
    assert o["receiver_phone"] == "******10" and o["receiver_name"] == "T****g"
    assert o["buyer_note"] == "no straw please" and o["buyer_id"] == "258065"


def test_add_on_free_gift_flagged_even_with_a_price(orders):
    lines = orders["231114ABCD1234"].lines
    assert [(li["sku"], li["qty"], li["unit_price_cents"], li["is_gift"]) for li in lines] == [
        ("BT-KIT", 2, 545, False),
        ("STRAW", 1, 150, True),
    ]


def test_cancelled_event_dated_by_update_time(orders):
    result = orders["231114ABCD5678"]
    assert result.order["status"] == "cancelled" and result.order["paid_at"] is None
    assert events(result) == {"placed": utc("2023-11-14T22:13:20Z"), "cancelled": utc("2023-11-14T23:13:20Z")}
    assert result.lines[0]["sku"] == "TIN-01-RED"  # model_sku before item_sku


def test_returned_order_with_pickup_time(orders):
    result = orders["231115EFGH0001"]
    assert result.order["status"] == "returned"
    assert events(result)["shipped"] == utc("2023-11-17T05:46:40Z")  # pickup_done_time 1700200000
    assert result.order["carrier"] == "Ninja Van"


def test_unmapped_status(orders):
    result = orders["231116IJKL0002"]
    assert (result.order["status"], result.order["raw_status"]) == ("unknown", "IN_DISPUTE")
    assert len(result.exceptions) == 1


def test_zero_exponent_currency():
    [payload] = shopee.orders_in_response(load("shopee", "order_detail_single.json"))
    o = shopee.normalize(payload, shop_id="vn", fetched_at=FETCHED_AT, batch_id="b").order
    assert (o["currency"], o["total_cents"], o["shipping_cents"]) == ("VND", 250000, 15000)
    assert o["status"] == "completed" and o["receiver_province"] == "TP. Hồ Chí Minh"


def test_wrong_types_are_bad_records():
    [payload] = shopee.orders_in_response(load("shopee", "order_detail_single.json"))
    with pytest.raises(BadRecord) as err:
        shopee.normalize(
            payload | {"total_amount": "lots"}, shop_id="vn", fetched_at=FETCHED_AT, batch_id="b"
        )
    assert err.value.field == "total_amount"
    with pytest.raises(BadRecord) as err:
        shopee.normalize(payload | {"item_list": {"a": 1}}, shop_id="vn", fetched_at=FETCHED_AT, batch_id="b")
    assert err.value.field == "item_list"
