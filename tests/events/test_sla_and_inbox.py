"""SLA exceptions close when the step arrives (also late); unmatched events wait, are raised, then match."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ingest.events.inbox import retry_inbox
from ingest.events.record import parse
from ingest.events.store import store
from models.db import connect
from models.rules.apply import route_open_orders
from models.settings import Settings
from tests.events.helpers import T0, ev, write_orders


@pytest.fixture
def settings(data_dir) -> Settings:
    s = Settings(data_dir=data_dir)
    write_orders(s.lake_dir, 1, 2)
    return s


def intake(settings: Settings, *raw: dict, kind: str = "wms", received: datetime | None = None):
    recs = [parse(r, source=kind, kind=kind, received_at=received or datetime.now(UTC)) for r in raw]
    return store(settings, recs, route=False)


def open_exceptions(settings: Settings, exc_type: str = "sla_breach") -> set[tuple[str | None, str]]:
    db = connect(settings)
    try:
        rows = db.con.execute("select order_id, rule_id from exceptions where type = $t and status in "
                              "('open', 'in_progress')", {"t": exc_type}).fetchall()
    finally:
        db.close()
    return set(rows)


def test_sla_breach_closes_when_the_step_arrives_late(settings):
    route_open_orders(settings.lake_dir, now=T0 + timedelta(hours=4))  # paid 02:05 UTC, nothing since
    assert ("OH-T1", "sla-idle-2h") in open_exceptions(settings)
    assert ("OH-T2", "sla-idle-2h") in open_exceptions(settings)
    # the warehouse reports (late, at 06:00) that T1 shipped at 03:00; T2 was only picked, an hour ago
    intake(settings, ev("W1", "picked", 30), ev("W2", "packed", 45), ev("W3", "shipped", 60),
           ev("W4", "picked", 180, order_id="OH-T2"))
    route_open_orders(settings.lake_dir, now=T0 + timedelta(hours=4, minutes=1))
    still = open_exceptions(settings)
    assert not any(order == "OH-T1" for order, _ in still)  # shipped: nothing left open on it
    assert ("OH-T2", "sla-idle-2h") not in still  # picked 61 minutes ago: not idle for 2 hours


def test_platform_status_stays_but_lifecycle_stage_moves(settings):
    intake(settings, ev("W1", "packed", 30), ev("W0", "picked", 20))
    db = connect(settings)
    try:
        row = db.con.execute("select platform_status, stage from order_lifecycle where order_id = 'OH-T1'").fetchone()
    finally:
        db.close()
    assert row == ("to_ship", "packed")


def test_unmatched_events_are_kept_retried_raised_and_matched_later(settings):
    early = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    out = intake(settings, ev("W1", "picked", 30, platform_order_id="P9"),
                 ev("C1", "picked", 31, tracking_no="SF-NOPE"), received=early)
    assert out.stored == [] and len(out.unmatched) == 2
    assert retry_inbox(settings, now=early + timedelta(minutes=30)).raised == 0  # not old enough yet
    assert open_exceptions(settings, "unmatched_event") == set()
    run = retry_inbox(settings, now=early + timedelta(minutes=61))
    assert (run.matched, run.raised) == (0, 2)
    assert open_exceptions(settings, "unmatched_event") == {(None, None)} and _count_open(settings) == 2
    write_orders(settings.lake_dir, 9)  # the platform pull brings order P9
    run = retry_inbox(settings, now=early + timedelta(minutes=70))
    assert (run.matched, run.waiting) == (1, 1)
    assert _count_open(settings) == 1  # P9's exception closed itself; SF-NOPE's stays open
    db = connect(settings)
    try:
        events = db.con.execute("select source_event_id, order_id from lake_order_events").fetchall()
        states = dict(db.con.execute("select source_event_id, state from event_inbox").fetchall())
    finally:
        db.close()
    assert events == [("W1", "OH-T9")] and states == {"W1": "matched", "C1": "raised"}
    # a duplicate delivery of the already matched event is not stored again; of the waiting one neither
    again = intake(settings, ev("W1", "picked", 30, platform_order_id="P9"), ev("C1", "picked", 31, tracking_no="X"))
    assert (again.stored, again.unmatched, again.duplicates) == ([], [], 2)


def _count_open(settings: Settings) -> int:
    db = connect(settings)
    try:
        return db.con.execute("select count(*) from exceptions where type = 'unmatched_event' "
                              "and status = 'open'").fetchone()[0]
    finally:
        db.close()


def test_carrier_codes_map_through_the_table_and_unknown_codes_are_raised(settings):
    write_orders(settings.lake_dir, 5, tracking_no="SF-5")
    codes = {"IT": "in_transit", "DL": "delivered"}
    raw = [{"id": f"K{i}", "status": code, "occurred_at": (T0 + timedelta(hours=i)).isoformat(), "tracking_no": "SF-5"}
           for i, code in enumerate(("IT", "DL", "ZZ"), start=1)]
    recs = [parse(r, source="carrier", kind="carrier", received_at=T0, codes=codes) for r in raw]
    store(replace(settings), recs, route=False)
    db = connect(settings)
    try:
        got = db.con.execute("select source_event_id, event from lake_order_events order by 1").fetchall()
    finally:
        db.close()
    assert got == [("K1", "in_transit"), ("K2", "delivered"), ("K3", "carrier_unmapped")]
    assert open_exceptions(settings, "unmapped_status") == {("OH-T5", "carrier-code")}
