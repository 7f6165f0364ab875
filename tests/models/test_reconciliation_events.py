"""What an order's events say to reconciliation — shipments, tracking numbers, refund amounts — worked out by
hand per order, through the order_facts mart as the console reads it; and a settlement line imported twice.

Each order below has one story: a shipment reported by several parties, a scan delivered twice, a scan undone
and made again at the packing station, two partial refunds, a refund event ingested twice, a corrected line.
"""

from __future__ import annotations

from datetime import timedelta

from models import kpis, packing
from models.access import Access
from models.auth import User
from models.db import connect
from models.kpis import Scope
from models.settings import Settings
from tests import reconcile_fixture as fx
from tests.models.test_reconciliation import EVERY_FINDING, MARCH

PAT = User("pat", "ops", Access())


def _lake(data_dir) -> tuple[Settings, fx.Month]:
    m = fx.Month()
    # WMS2: one warehouse system reports two shipments under two ids of its own → double_shipped
    oid = m.order("WMS2", "shopee", 2000, fx.day(3))
    m.event(oid, "shipped", fx.day(4), source="wms", source_event_id="w-1")
    m.event(oid, "shipped", fx.day(5), source="wms", source_event_id="w-2")
    # ONE: the platform, the carrier and the warehouse each report the one shipment; the warehouse's scan
    # arrives twice (webhook and file: one source id, two instants) → one shipment, no finding
    oid = m.order("ONE", "shopee", 2100, fx.day(3))
    m.event(oid, "shipped", fx.day(4), source="platform", source_event_id="p-9")
    m.event(oid, "shipped", fx.day(4, hour=11), source="carrier", source_event_id="c-9")
    m.event(oid, "shipped", fx.day(4), source="wms", source_event_id="w-9")
    m.event(oid, "shipped", fx.day(4, hour=12), source="wms", source_event_id="w-9")
    # PART: US$10.00, refunded in two parts (US$3.00 and US$2.00), shipped, never back → refund_not_returned 500
    oid = m.order("PART", "shopee", 1000, fx.day(6))
    m.ship(oid, fx.day(7))
    m.event(oid, "refunded", fx.day(9), detail='{"amount_cents": -300, "currency": "USD"}')
    m.event(oid, "refunded", fx.day(10), detail='{"amount_cents": -200, "currency": "USD"}')
    # TWICE: one refund event of US$4.00 ingested twice (the same id, a later version) → 400, not 800
    oid = m.order("TWICE", "shopee", 1200, fx.day(6))
    m.ship(oid, fx.day(7))
    m.event(oid, "refunded", fx.day(9), detail='{"amount_cents": -400, "currency": "USD"}')
    again = dict(m.events[-1], ingested_at=fx.day(11))
    m.events.append(again)
    # AGAIN: US$20.00 settled exactly (fee 5 % + 0.30 = 130), then the sale line imported again, corrected to
    # US$19.50 (the same line, a later version): the later version counts → settlement_mismatch −50
    oid = m.order("AGAIN", "shopee", 2000, fx.day(2))
    m.ship(oid, fx.day(3), fx.day(5))
    m.settle(oid, "sale", 2000, fx.day(15))
    m.settle(oid, "fee", -130, fx.day(15))
    m.settlements.append(dict(m.settlements[-2], amount_cents=1950, ingested_at=fx.day(20)))
    # SCAN: waiting to ship; the packing station scans it shipped, undoes the scan, and scans it again (below)
    m.order("SCAN", "shopee", 1500, fx.day(8), status="to_ship", ship_by=fx.day(10, month=4))
    settings = Settings(data_dir=data_dir)
    m.write(settings)
    return settings, m


def _findings(settings: Settings) -> dict[tuple[str, str], int]:
    rows = kpis.run(connect(settings), "recon_finding_orders", MARCH, fx.AS_OF, extra=EVERY_FINDING)
    return {(r.finding, r.order_id): int(r.amount_cents) for r in rows.itertuples()}


def test_shipments_and_refunds_are_counted_once_per_thing_that_happened(data_dir):
    settings, _ = _lake(data_dir)
    facts = connect(settings).con.execute(
        "select order_id, warehouse_shipments, tracking_numbers, refund_events_cents from order_facts "
        "order by order_id").fetchall()
    assert facts == [("OH-AGAIN", 0, 1, None), ("OH-ONE", 1, 0, None), ("OH-PART", 0, 1, 500), ("OH-SCAN", 0, 0, None),
                     ("OH-TWICE", 0, 1, 400), ("OH-WMS2", 2, 0, None)]
    assert _findings(settings) == {("double_shipped", "OH-WMS2"): 2000, ("refund_not_returned", "OH-PART"): 500,
                                   ("refund_not_returned", "OH-TWICE"): 400, ("settlement_mismatch", "OH-AGAIN"): -50}


def test_a_packing_scan_undone_and_made_again_is_one_shipment(data_dir):
    settings, _ = _lake(data_dir)
    at = fx.day(9)
    first = packing.scan(settings, PAT, "OH-SCAN", "shipped", now=at)
    packing.undo(settings, PAT, first.event_id, "scanned the wrong parcel", now=at + timedelta(minutes=5))
    assert packing.scan(settings, PAT, "OH-SCAN", "shipped", now=at + timedelta(minutes=9)).outcome == "ok"
    db = connect(settings)
    assert db.con.execute("select count(*) from lake_order_events where order_id = 'OH-SCAN' "
                          "and event = 'shipped'").fetchone()[0] == 2  # both scans stay in the lake
    assert db.con.execute("select warehouse_shipments from order_facts where order_id = 'OH-SCAN'").fetchone() == (1,)
    assert ("double_shipped", "OH-SCAN") not in _findings(settings)
    totals = kpis.run(db, "recon_totals", Scope(MARCH.start, MARCH.end), fx.AS_OF)
    assert int(totals["orders"].sum()) == 6
