"""A Lazada order pulled from the sandbox while `unpaid`, then again once `pending`: its paid time is the
payment's own (the items' updated_at; the API has no payment field), and with `reserve_on = "paid"` it
reserves its units in the second pull's reservation pass, not the first's. Expected values come from the
sandbox's timeline."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from ingest.pipeline import run_channel
from models import ids
from models.inventory.stock import map_listing, record_counts
from tests.ingest.conftest import Sleeps, channel, client_for
from tests.ingest.test_tokens import authorize_via_sandbox
from tests.inventory.shop import query, state


def _pull(sandbox, settings, cfg) -> None:
    outcome = run_channel(cfg, settings, now=sandbox.clock.now, client=client_for(cfg, Sleeps())).outcome
    assert outcome == "ok"


def test_unpaid_then_pending_gets_its_payment_time_and_reserves_on_paid(sandbox, settings):
    now = sandbox.clock.now()
    sim = max((tl.order for tl in sandbox.market.timelines["lazada"] if tl.order.cancelled is None
               and tl.order.created < tl.order.paid - timedelta(minutes=1) and tl.order.shipped < now),
              key=lambda o: o.created)
    oid = ids.order_id("lazada", sim.shop_id, sim.platform_order_id)
    cfg = channel(sandbox, "lazada", page_size=100)  # few pages: the test is about one order
    authorize_via_sandbox(sandbox, settings, "lazada")
    at = sim.created.replace(hour=0, minute=0, second=0)
    for sku in {li.sku for li in sim.lines}:
        map_listing(settings.lake_dir, "lazada", sku, {sku: 1}, by="test", at=at)
    record_counts(settings.lake_dir, [{"sku": li.sku, "warehouse": "Suzhou", "on_hand": 50, "safety_stock": 0,
                                       "snapshot_at": at} for li in sim.lines], source="test")

    sandbox.clock.freeze(sim.paid - timedelta(minutes=1))  # placed, not paid yet
    _pull(sandbox, settings, cfg)
    sql = f"select status, raw_status, paid_at from orders where order_id = '{oid}'"
    assert query(settings, sql) == [("pending_payment", "unpaid", None)]
    assert [r for r in state(settings) if r[0] == oid] == []  # the pull's reservation pass left it alone

    sandbox.clock.freeze(sim.paid + timedelta(minutes=2))  # paid; the warehouse hands over 40+ min later
    _pull(sandbox, settings, cfg)
    assert query(settings, sql) == [("to_ship", "pending", sim.paid)]  # the pull's pass reserved it
    want: Counter[str] = Counter()
    for li in sim.lines:
        want[li.sku] += li.qty
    got = {sku: qty for o, sku, _wh, qty, st, _ in state(settings) if o == oid and st == "reserved"}
    assert got == dict(want)
