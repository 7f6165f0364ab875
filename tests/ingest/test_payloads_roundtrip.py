"""make_order renders real shapes that normalize back to the simulated order's ids, money, stage and times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.normalize import registry
from models import ids
from sim.sandbox.payloads import STAGES, SimLine, SimOrder, make_order, wrap_response

T = {h: datetime(2026, 3, 1, h, 0, 0, tzinfo=UTC) for h in range(24)}
PAIRS = [(p, s) for p, stages in STAGES.items() for s in stages]
HAS_PAY_TIME = {"shopify", "woocommerce", "shopee", "tiktok"}  # Lazada orders carry no payment time
HAS_SHIP_TIME = {"shopify", "shopee", "tiktok", "lazada"}  # WooCommerce core has no shipping step


def sim_for(stage: str) -> SimOrder:
    shipped = stage in {"shipped", "delivered", "completed", "returned"}
    return SimOrder(
        "1001",
        "shop-9",
        "SGD",
        total="25.80",
        shipping="3.00",
        created=T[1],
        stage=stage,
        paid=None if stage == "pending_payment" else T[2],
        shipped=T[5] if shipped else None,
        delivered=T[9] if stage in {"delivered", "completed"} else None,
        cancelled=T[3] if stage in {"cancelled", "refunded"} else None,
        receiver_name="Tan Mei",
        receiver_phone="****5678",
        receiver_country="SG",
        receiver_province="Central",
        receiver_city="Singapore",
        receiver_address="1 Raffles Pl",
        buyer_note="ring twice",
        lines=[SimLine("TEA", "Tea", 2, "11.40"), SimLine("GIFT", "Spoon", 1, "0.00", is_gift=True)],
    )


@pytest.mark.parametrize(("platform", "stage"), PAIRS)
def test_round_trip(platform: str, stage: str):
    result = registry.normalize(
        platform, make_order(platform, sim_for(stage)), shop_id="shop-9", fetched_at=T[23], batch_id="rt"
    )
    o = result.order
    assert o["order_id"] == ids.order_id(platform, "shop-9", "1001") and o["platform_order_id"] == "1001"
    assert (o["status"], o["currency"], o["total_cents"], o["shipping_cents"]) == (stage, "SGD", 2580, 300)
    assert o["placed_at"] == T[1] and o["receiver_phone"] == "****5678" and o["has_gift"] is True
    assert result.exceptions == []
    when = {e["event"]: e["occurred_at"] for e in result.events}
    if platform in HAS_PAY_TIME and stage != "pending_payment":
        assert o["paid_at"] == when["paid"] == T[2]
    if platform == "lazada" and stage == "to_ship":  # no payment time: the items' move out of `unpaid`
        assert o["paid_at"] == when["paid"] == T[2]
    if stage == "shipped" and platform in HAS_SHIP_TIME:
        assert when["shipped"] == T[5]
    if stage == "delivered":
        assert when["delivered"] == T[9]
    if stage == "cancelled":
        assert when["cancelled"] == T[3]


@pytest.mark.parametrize("platform", sorted(STAGES))
def test_wrapped_list_response_unwraps(platform: str):
    orders = [make_order(platform, sim_for("to_ship"))]
    assert len(registry.orders_in_response(platform, wrap_response(platform, orders))) == 1


def test_inexpressible_stage_falls_back_to_what_the_platform_shows():
    assert make_order("shopee", sim_for("picked"))["order_status"] == "READY_TO_SHIP"
    assert make_order("woocommerce", sim_for("shipped"))["status"] == "processing"


def test_unknown_platform():
    with pytest.raises(ValueError, match=r"unknown platform 'ebay'; known: .*shopee"):
        make_order("ebay", sim_for("to_ship"))
