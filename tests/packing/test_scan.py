"""Scan outcomes at the packing station on tests/packing/fixture.py, with the lake's events checked exactly.

Expected by hand from the fixture: P1 (allocated, tracking SF001) takes 'picked'; P3 is cancelled; P4 has an
open manual review (on hold); P5 is packed already; P6 is a Hefei order (outside a Suzhou-only user's access);
'NOPE' names no order.
"""

from __future__ import annotations

import pytest

from models import packing
from models.access import Access
from models.auth import User
from models.db import connect
from models.settings import Settings
from tests.packing import fixture as pf

PAT = User("pat", "ops", Access())
SUZHOU = User("sam", "ops", Access(warehouses=("Suzhou",)))
VIEWER = User("vic", "viewer", Access())


@pytest.fixture
def lake(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir)
    pf.build(settings.lake_dir)
    return settings


def console_events(settings: Settings) -> list[tuple]:
    sql = ("select order_id, event, actor, ref_kind, ref, detail from lake_order_events "
           "where source = 'console' order by occurred_at, event")
    return connect(settings).con.execute(sql).fetchall()


def audit(settings: Settings) -> list[tuple]:
    sql = "select user, action, target_type, order_id from actions order by occurred_at"
    return connect(settings).con.execute(sql).fetchall()


def stage(settings: Settings, key: str) -> str:
    sql = "select stage from order_lifecycle where order_id = ?"
    return connect(settings).con.execute(sql, [pf.oid(key)]).fetchone()[0]


def test_a_scan_by_tracking_number_writes_one_console_event_and_one_action(lake):
    result = packing.scan(lake, PAT, " SF001 ", "picked")
    assert (result.outcome, result.order_id) == ("ok", "OH-P1")
    assert sorted(zip(result.lines["sku"], result.lines["qty"], result.lines["is_gift"], strict=True)) == [
        ("A", 2, False), ("G", 1, True)]
    assert console_events(lake) == [("OH-P1", "picked", "pat", "tracking_no", "SF001", None)]
    assert audit(lake) == [("pat", "scan_picked", "order", "OH-P1")]
    assert stage(lake, "P1") == "picked"


def test_a_platform_order_id_and_an_internal_id_find_the_order(lake):
    assert packing.scan(lake, PAT, "PLAT-8", "packed").order_id == "OH-P8"
    assert packing.scan(lake, PAT, "OH-P2", "shipped").order_id == "OH-P2"
    assert [e[:4] for e in console_events(lake)] == [("OH-P8", "packed", "pat", "platform_order_id"),
                                                     ("OH-P2", "shipped", "pat", "order_id")]


@pytest.mark.parametrize(("ref", "step", "outcome", "detail"), [
    ("OH-P3", "packed", "cancelled", "cancelled"),
    ("OH-P4", "packed", "on_hold", "manual_review"),
    ("OH-P5", "packed", "already_done", "packed"),
    ("OH-P5", "picked", "already_done", "packed"),
    ("NOPE", "packed", "unknown", "0"),
])
def test_refused_scans_say_why_and_write_nothing(lake, ref, step, outcome, detail):
    result = packing.scan(lake, PAT, ref, step)
    assert (result.outcome, result.detail, result.event_id) == (outcome, detail, None)
    assert console_events(lake) == [] and audit(lake) == []


def test_scanning_the_same_parcel_twice_is_already_done(lake):
    assert packing.scan(lake, PAT, "OH-P1", "packed").outcome == "ok"
    assert packing.scan(lake, PAT, "OH-P1", "packed").outcome == "already_done"
    assert len(console_events(lake)) == 1


def test_an_order_outside_the_access_reads_as_unknown(lake):
    result = packing.scan(lake, SUZHOU, "OH-P6", "packed")
    assert (result.outcome, result.order_id, result.lines.empty) == ("unknown", None, True)
    assert console_events(lake) == [] and audit(lake) == []
    assert packing.scan(lake, SUZHOU, "OH-P2", "packed").outcome == "ok"


def test_a_viewer_cannot_scan(lake):
    with pytest.raises(PermissionError):
        packing.scan(lake, VIEWER, "OH-P1", "picked")
    assert console_events(lake) == []


def test_undo_is_a_new_event_and_action_and_the_order_can_be_scanned_again(lake):
    wrong = packing.scan(lake, PAT, "OH-P2", "packed")
    packing.undo(lake, SUZHOU, wrong.event_id, "wrong parcel")
    assert stage(lake, "P2") == "allocated"
    assert console_events(lake) == [("OH-P2", "packed", "pat", "order_id", "OH-P2", None),
                                    ("OH-P2", "scan_undone", "sam", "order_id", "OH-P2", wrong.event_id)]
    assert audit(lake) == [("pat", "scan_packed", "order", "OH-P2"), ("sam", "undo_scan", "order_event", "OH-P2")]
    with pytest.raises(packing.ScanError, match="undone already"):
        packing.undo(lake, PAT, wrong.event_id, "again")
    assert packing.scan(lake, PAT, "OH-P2", "packed").outcome == "ok"
    assert stage(lake, "P2") == "packed"


def test_undo_needs_a_reason_a_scan_and_the_access(lake):
    hefei = packing.scan(lake, PAT, "OH-P6", "picked")
    with pytest.raises(packing.ScanError, match="reason"):
        packing.undo(lake, PAT, hefei.event_id, " ")
    with pytest.raises(PermissionError, match="not in your access"):
        packing.undo(lake, SUZHOU, hefei.event_id, "mine")
    with pytest.raises(packing.ScanError, match="not a packing-station scan"):
        packing.undo(lake, PAT, "no-such-event", "typo")
    with pytest.raises(PermissionError):
        packing.undo(lake, VIEWER, hefei.event_id, "oops")
    assert len(console_events(lake)) == 1 and len(audit(lake)) == 1
