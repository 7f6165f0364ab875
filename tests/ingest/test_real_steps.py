"""Item 3: a record that exists is not a step that happened. Payloads follow the platforms' documented shapes.

Shopify's fulfillment `status` is one of pending, open, success, cancelled, error, failure; only `success`
means the goods left. The expected times are read off the payloads by hand.
"""

from __future__ import annotations

import copy

import pytest

from ingest.platforms.shopify import normalize as shopify
from tests.ingest.conftest import FETCHED_AT, events, load, utc


def _order(fulfillments: list[dict], fulfillment_status: str | None = None) -> dict:
    order = copy.deepcopy(shopify.orders_in_response(load("shopify", "orders.json"))[0])
    order.update(fulfillments=fulfillments, fulfillment_status=fulfillment_status, cancelled_at=None,
                 financial_status="paid")
    return order


def _fulfillment(n: int, status: str, created: str, shipment: str | None = "in_transit") -> dict:
    return {"id": 900 + n, "status": status, "created_at": created, "updated_at": created,
            "shipment_status": shipment, "tracking_company": f"Carrier{n}", "tracking_number": f"TRK{n}"}


@pytest.mark.parametrize("status", ["failure", "cancelled", "error", "pending", "open"])
def test_a_fulfillment_that_did_not_succeed_is_no_shipment(status):
    order = _order([_fulfillment(1, status, "2020-01-05T10:00:00-05:00")])
    result = shopify.normalize(order, shop_id="s", fetched_at=FETCHED_AT, batch_id="b")
    assert "shipped" not in events(result)
    assert result.order["carrier"] is None and result.order["tracking_no"] is None


def test_only_the_successful_fulfillment_dates_the_shipment():
    order = _order(
        [_fulfillment(1, "failure", "2020-01-05T10:00:00-05:00"),
         _fulfillment(2, "success", "2026-03-04T09:30:00-05:00")],
        "fulfilled",
    )
    result = shopify.normalize(order, shop_id="s", fetched_at=FETCHED_AT, batch_id="b")
    assert events(result)["shipped"] == utc("2026-03-04T14:30:00Z")
    assert (result.order["carrier"], result.order["tracking_no"]) == ("Carrier2", "TRK2")


def test_a_failed_fulfillment_does_not_block_or_fake_delivery():
    delivered = _fulfillment(2, "success", "2026-03-04T09:30:00-05:00", "delivered")
    delivered["updated_at"] = "2026-03-06T12:00:00-05:00"
    order = _order([_fulfillment(1, "error", "2026-03-03T09:00:00-05:00", None), delivered], "fulfilled")
    result = shopify.normalize(order, shop_id="s", fetched_at=FETCHED_AT, batch_id="b")
    assert result.order["status"] == "delivered"
    assert events(result)["delivered"] == utc("2026-03-06T17:00:00Z")
    assert events(result)["shipped"] == utc("2026-03-04T14:30:00Z")
