"""Console edits: roles, the stale-form conflict, validation, the lifecycle, and one audit row per edit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from models import lake, triage
from models.auth import User
from models.db import connect
from models.exceptions import TransitionError, exception_id
from models.kpis import Scope, summary
from models.rules.apply import route_batch
from models.triage import ConflictError, EditError
from models.versions import latest
from tests import triage_fixture as tf

OPS = User("olga", "ops")
OPS2 = User("oscar", "ops")
VIEWER = User("vera", "viewer")
REVIEW = exception_id("OH-T8", "manual_review", "int-campus-risk")
GIFT = exception_id("OH-T10", "gift_missing", "int-gift-check")


@pytest.fixture
def routed(triage_lake):
    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    return triage_lake


def _version(settings, exc_id):
    return latest(settings.lake_dir, "exceptions", [exc_id])[exc_id]["updated_at"]


def _order_version(settings, order_id):
    return latest(settings.lake_dir, "orders", [order_id])[order_id]["ingested_at"]


def _actions(settings):
    db = connect(settings)
    return db.con.execute('select "user", role, action, target_id, order_id, before, after, reason '
                          "from actions order by occurred_at").fetchall()


@pytest.mark.parametrize("edit", [
    lambda s, u: triage.take(s, u, REVIEW, _version(s, REVIEW)),
    lambda s, u: triage.resolve(s, u, REVIEW, _version(s, REVIEW), "fixed"),
    lambda s, u: triage.dismiss(s, u, REVIEW, _version(s, REVIEW), "noise"),
    lambda s, u: triage.add_note(s, u, REVIEW, _version(s, REVIEW), "hello"),
    lambda s, u: triage.review(s, u, REVIEW, _version(s, REVIEW), True),
    lambda s, u: triage.reroute(s, u, "OH-T1", _order_version(s, "OH-T1"), warehouse="Hefei"),
    lambda s, u: triage.correct_address(s, u, "OH-T1", _order_version(s, "OH-T1"), "浙江", "杭州", "文三路1号"),
    lambda s, u: triage.bulk(s, u, "take", [(REVIEW, _version(s, REVIEW))]),
])
def test_a_viewer_cannot_edit_even_by_calling_the_function(routed, edit):
    with pytest.raises(PermissionError, match="role 'viewer' cannot triage"):
        edit(routed, VIEWER)
    with pytest.raises(PermissionError):
        edit(routed, None)
    assert _actions(routed) == []


def test_take_then_resolve_is_two_versions_and_two_audit_rows(routed):
    v0 = _version(routed, REVIEW)
    taken = triage.take(routed, OPS, REVIEW, v0)
    assert (taken["status"], taken["assignee"]) == ("in_progress", "olga") and taken["updated_at"] > v0
    triage.resolve(routed, OPS, REVIEW, taken["updated_at"], "customer_contacted", "called, address is fine")
    db = connect(routed)
    versions = db.con.execute("select status, assignee, resolution_code from lake_exceptions "
                              "where exception_id = $id order by updated_at", {"id": REVIEW}).fetchall()
    assert versions == [("open", None, None), ("in_progress", "olga", None),
                        ("resolved", "olga", "customer_contacted")]
    rows = _actions(routed)
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [("olga", "ops", "take", REVIEW, "OH-T8"),
                                                              ("olga", "ops", "resolve", REVIEW, "OH-T8")]
    assert json.loads(rows[1][5])["status"] == "in_progress" and json.loads(rows[1][6])["status"] == "resolved"
    assert rows[1][7] == "called, address is fine"


def test_a_stale_form_writes_nothing(routed):
    loaded = _version(routed, GIFT)
    triage.take(routed, OPS2, GIFT, loaded)  # oscar takes it first
    with pytest.raises(ConflictError, match="after you loaded it; nothing was saved"):
        triage.resolve(routed, OPS, GIFT, loaded, "fixed")
    current = latest(routed.lake_dir, "exceptions", [GIFT])[GIFT]
    assert (current["status"], current["assignee"]) == ("in_progress", "oscar")
    assert [r[0] for r in _actions(routed)] == ["oscar"]


def test_a_conflict_names_who_changed_it_and_when(routed):
    loaded = _version(routed, GIFT)
    new = triage.take(routed, OPS2, GIFT, loaded)
    with pytest.raises(ConflictError) as err:
        triage.resolve(routed, OPS, GIFT, loaded, "fixed")
    [when] = [r["occurred_at"] for r in _action_rows(routed)]  # oscar's audit row: he changed it then
    assert (err.value.subject, err.value.changed_by, err.value.status) == (GIFT, "oscar", "in_progress")
    assert err.value.changed_at == when and when >= new["updated_at"]
    assert f"{GIFT} was changed by oscar at {when:%Y-%m-%d %H:%M:%S} UTC (now in_progress)" in str(err.value)


def test_a_change_by_no_person_is_named_as_automatic(routed):
    """A new order version from the platform (no audit row) since the form was loaded."""
    loaded = _order_version(routed, "OH-T1")
    row = latest(routed.lake_dir, "orders", ["OH-T1"])["OH-T1"]
    newer = {**row, "updated_at": row["updated_at"] + timedelta(hours=1), "ingested_at": datetime.now(UTC)}
    lake.write(routed.lake_dir, "orders", [newer])
    with pytest.raises(ConflictError) as err:
        triage.correct_address(routed, OPS, "OH-T1", loaded, "浙江", "杭州", "文一路", "x")
    assert err.value.changed_by is None and err.value.changed_at == pd.Timestamp(newer["ingested_at"])
    assert "changed by an automatic process" in str(err.value)


def test_a_form_that_carries_no_version_is_refused(routed):
    with pytest.raises(EditError, match="the form did not say which version of order OH-T1 it showed"):
        triage.correct_address(routed, OPS, "OH-T1", None, "浙江", "杭州", "文一路", "x")
    with pytest.raises(EditError, match="which version of exception"):
        triage.take(routed, OPS, GIFT, None)
    assert _actions(routed) == []


def _action_rows(settings):
    db = connect(settings)
    return db.con.execute("select * from actions order by occurred_at").df().to_dict("records")


def test_closed_exceptions_stay_closed(routed):
    done = triage.dismiss(routed, OPS, GIFT, _version(routed, GIFT), "gift is in the box")
    with pytest.raises(TransitionError, match="already closed"):
        triage.take(routed, OPS, GIFT, done["updated_at"])


def test_each_form_leaves_its_audit_record(routed):
    triage.assign(routed, OPS, GIFT, _version(routed, GIFT), "oscar")
    triage.add_note(routed, OPS, GIFT, _version(routed, GIFT), "checking the combo")
    triage.review(routed, OPS, REVIEW, _version(routed, REVIEW), approve=False, note="fake address")
    triage.reroute(routed, OPS, "OH-T1", _order_version(routed, "OH-T1"), warehouse="Hefei", carrier="ZTO",
                   reason="Suzhou closed")
    triage.correct_address(routed, OPS, "OH-T2", _order_version(routed, "OH-T2"), "浙江", "杭州", "文三路2号")
    rows = _actions(routed)
    assert [(r[2], r[3]) for r in rows] == [("assign", GIFT), ("note", GIFT), ("reject", REVIEW),
                                            ("reroute", "OH-T1"), ("correct_address", "OH-T2")]
    assert json.loads(rows[3][5]) == {"warehouse": "Suzhou", "carrier": "SF"}
    assert json.loads(rows[3][6]) == {"warehouse": "Hefei", "carrier": "ZTO"}
    assert json.loads(rows[4][6])["receiver_address"] == "文三路2号"
    order = latest(routed.lake_dir, "orders", ["OH-T1"])["OH-T1"]
    assert (order["warehouse"], order["carrier"]) == ("Hefei", "ZTO")
    note = latest(routed.lake_dir, "exceptions", [GIFT])[GIFT]["note"]
    assert note.endswith("\n[olga] checking the combo")


def test_reroute_only_to_a_warehouse_with_stock(routed):
    with pytest.raises(EditError, match=r"Chengdu lacks stock for A \(need 2, have 0\)"):
        triage.reroute(routed, OPS, "OH-T1", _order_version(routed, "OH-T1"), warehouse="Chengdu")
    with pytest.raises(EditError, match=r"Shanghai-Cold lacks stock for A \(need 6, have 0\)"):
        triage.reroute(routed, OPS, "OH-T4", _order_version(routed, "OH-T4"), warehouse="Shanghai-Cold")


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: triage.resolve(s, OPS, GIFT, _version(s, GIFT), "magic"), "resolution code 'magic' unknown"),
    (lambda s: triage.dismiss(s, OPS, GIFT, _version(s, GIFT), " "), "say why"),
    (lambda s: triage.review(s, OPS, GIFT, _version(s, GIFT), True), "not a manual review"),
    (lambda s: triage.correct_address(s, OPS, "OH-T1", _order_version(s, "OH-T1"), "浙江", "", "x"),
     "receiver_city cannot be empty"),
])
def test_invalid_edits_say_what_to_do(routed, call, message):
    with pytest.raises(EditError, match=message):
        call(routed)
    assert _actions(routed) == []


def test_bulk_reports_each_item(routed):
    stale = _version(routed, GIFT)
    triage.take(routed, OPS2, GIFT, stale)
    results = dict(triage.bulk(routed, OPS, "take", [(REVIEW, _version(routed, REVIEW)), (GIFT, stale)]))
    assert results[REVIEW] is None and "nothing was saved" in results[GIFT]


def test_an_edit_moves_the_manual_intervention_kpi(routed):
    scope = Scope(tf.NOW.date(), tf.NOW.date())  # orders placed 03-02 local: T1–T13 and T15 = 14
    before = summary(connect(routed), scope)
    triage.take(routed, OPS, REVIEW, _version(routed, REVIEW))
    after = summary(connect(routed), scope)
    assert (before["orders"], before["manual_orders"], after["manual_orders"]) == (14, 0, 1)
    assert after["manual_rate"] == pytest.approx(1 / 14)
