"""Edits outside a user's access scope are refused in the model layer, whoever calls it, and write nothing.

On tests/triage_fixture.py after routing (tests/models/test_rules.py works the routes out): every order is
tmall/t1; T1, T4, T13, T14 go to Suzhou; T2, T3, T8–T12 to Hefei; T6 (cold chain, no stock) and T15 (already
picked) have no warehouse. T8 carries a manual review, T10 a missing-gift check, T6 an out-of-stock.
"""

from __future__ import annotations

import pytest

from models import triage
from models.access import Access, AccessDenied
from models.auth import User
from models.db import connect
from models.exceptions import exception_id
from models.rules.apply import route_batch
from models.triage_queries import queue
from models.versions import latest
from tests import triage_fixture as tf
from tests.models.test_triage import _order_version, _version

SUZHOU = User("sam", "ops", Access(warehouses=("Suzhou",)))
SHOPEE = User("sue", "ops", Access(channels=("shopee",)))
TMALL = User("tim", "ops", Access(channels=("tmall",), shops=("t1",)))
REVIEW = exception_id("OH-T8", "manual_review", "int-campus-risk")  # a Hefei order
GIFT = exception_id("OH-T10", "gift_missing", "int-gift-check")  # a Hefei order


def _action_count(settings) -> int:
    return connect(settings).con.execute("select count(*) from actions").fetchone()[0]



@pytest.fixture
def routed(triage_lake):
    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    return triage_lake


OUT_OF_ACCESS = {
    "take": lambda s, u: triage.take(s, u, REVIEW, _version(s, REVIEW)),
    "resolve": lambda s, u: triage.resolve(s, u, REVIEW, _version(s, REVIEW), "fixed"),
    "dismiss": lambda s, u: triage.dismiss(s, u, REVIEW, _version(s, REVIEW), "noise"),
    "assign": lambda s, u: triage.assign(s, u, REVIEW, _version(s, REVIEW), "sam"),
    "note": lambda s, u: triage.add_note(s, u, REVIEW, _version(s, REVIEW), "hello"),
    "approve": lambda s, u: triage.review(s, u, REVIEW, _version(s, REVIEW), True),
    "reject": lambda s, u: triage.review(s, u, REVIEW, _version(s, REVIEW), False),
    "reroute": lambda s, u: triage.reroute(s, u, "OH-T8", _order_version(s, "OH-T8"), carrier="ZTO"),
    "correct_address": lambda s, u: triage.correct_address(s, u, "OH-T8", _order_version(s, "OH-T8"), "浙江",
                                                           "杭州", "文三路1号"),
}


@pytest.mark.parametrize("edit", OUT_OF_ACCESS.values(), ids=OUT_OF_ACCESS.keys())
@pytest.mark.parametrize("user", [SHOPEE, SUZHOU], ids=["other channel", "other warehouse"])
def test_an_edit_outside_the_access_is_refused_and_writes_nothing(routed, edit, user):
    before = (_version(routed, REVIEW), _order_version(routed, "OH-T8"), _action_count(routed))
    with pytest.raises(AccessDenied, match="not found or not in your access; nothing was changed"):
        edit(routed, user)
    assert (_version(routed, REVIEW), _order_version(routed, "OH-T8"), _action_count(routed)) == before


def test_access_denied_is_a_permission_error_and_says_nothing_of_the_order(routed):
    with pytest.raises(PermissionError) as refused:
        triage.reroute(routed, SHOPEE, "OH-T4", _order_version(routed, "OH-T4"), warehouse="Hefei")
    # not the stock check's answer about Hefei: nothing about the order leaks
    assert str(refused.value) == "OH-T4 not found or not in your access; nothing was changed"
    with pytest.raises(AccessDenied) as unknown:
        triage.take(routed, SHOPEE, "EX-NOSUCH", "2026-03-02T00:00:00+00:00")
    assert str(unknown.value) == "EX-NOSUCH not found or not in your access; nothing was changed"


def test_a_stale_form_outside_the_access_is_refused_not_reported_as_a_conflict(routed):
    triage.take(routed, User("olga", "ops"), REVIEW, _version(routed, REVIEW))
    with pytest.raises(AccessDenied):  # a ConflictError would name who changed it and its status
        triage.take(routed, SUZHOU, REVIEW, "2000-01-01T00:00:00+00:00")


def test_rerouting_into_a_warehouse_outside_the_access_is_refused(routed):
    with pytest.raises(AccessDenied, match=r"warehouse Hefei is outside your access \(yours: Suzhou\)"):
        triage.reroute(routed, SUZHOU, "OH-T1", _order_version(routed, "OH-T1"), warehouse="Hefei")
    assert latest(routed.lake_dir, "orders", ["OH-T1"])["OH-T1"]["warehouse"] == "Suzhou"
    assert _action_count(routed) == 0


def test_edits_inside_the_access_go_through(routed):
    done = triage.reroute(routed, SUZHOU, "OH-T1", _order_version(routed, "OH-T1"), carrier="ZTO")
    assert done["carrier"] == "ZTO"
    sla_t13 = next(e for e, o in _queue_orders(routed).items() if o == "OH-T13")
    assert triage.take(routed, SUZHOU, sla_t13, _version(routed, sla_t13))["assignee"] == "sam"
    assert triage.take(routed, TMALL, GIFT, _version(routed, GIFT))["assignee"] == "tim"
    assert _action_count(routed) == 3


def test_an_unrouted_order_is_outside_a_warehouse_scope_but_inside_a_channel_scope(routed):
    oos = next(e for e, o in _queue_orders(routed).items() if o == "OH-T6")
    with pytest.raises(AccessDenied):
        triage.take(routed, SUZHOU, oos, _version(routed, oos))
    assert triage.take(routed, TMALL, oos, _version(routed, oos))["status"] == "in_progress"


def test_bulk_reports_out_of_access_items_and_does_the_rest(routed):
    sla_t13 = next(e for e, o in _queue_orders(routed).items() if o == "OH-T13")
    results = dict(triage.bulk(routed, SUZHOU, "take", [(REVIEW, _version(routed, REVIEW)),
                                                        (sla_t13, _version(routed, sla_t13))]))
    assert results == {REVIEW: f"{REVIEW} not found or not in your access; nothing was changed", sla_t13: None}


def _queue_orders(settings) -> dict[str, str]:
    df = queue(connect(settings), Access(), tf.NOW)
    return dict(zip(df["exception_id"], df["order_id"], strict=True))
