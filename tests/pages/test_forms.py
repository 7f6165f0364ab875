"""Edit forms are bound to what they were loaded for (issue #11 items 1 and 12), on tests/triage_fixture.py.

OH-T8's address is 湖北 / 武汉 / 武汉市江夏区大学城路1号 and OH-T1's is 浙江 / 杭州 / 演示路1号 (the fixture's table).
"""

from __future__ import annotations

import pandas as pd
import pytest

from models import auth, lake, triage
from models.exceptions import exception_id
from models.rules.apply import route_batch
from models.versions import latest
from tests import triage_fixture as tf
from tests.pages.helpers import open_app, shown

T8 = ("湖北", "武汉", "武汉市江夏区大学城路1号")
T1 = ("浙江", "杭州", "演示路1号")
REVIEW = exception_id("OH-T8", "manual_review", "int-campus-risk")
ADDRESS = ("receiver_province", "receiver_city", "receiver_address")


@pytest.fixture
def routed(triage_lake):
    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    return triage_lake


def _address(settings, order_id):
    row = latest(settings.lake_dir, "orders", [order_id])[order_id]
    return tuple(row[c] for c in ADDRESS)


def _address_form(at):
    """(form id, {label: text input}) of the address form on the page, found by what a person sees."""
    button = next(b for b in at.button if b.label == "Correct the address")
    return button, {w.label: w for w in at.text_input if w.form_id == button.form_id}


def _audit(settings, action):
    """The audit rows of one action, read straight from the lake's files."""
    files = lake.data_files(settings.lake_dir, "actions")
    rows = pd.concat([pd.read_parquet(f) for f in files]).sort_values("occurred_at")
    return rows[rows["action"] == action].to_dict("records")


def test_switching_order_then_saving_with_only_a_reason_never_moves_an_address(routed):
    at = open_app(role="ops", page="pages/order.py", order_id="OH-T8")
    _, fields = _address_form(at)
    assert (fields["Province"].value, fields["City"].value, fields["Street address"].value) == T8
    at.text_input(key="order_id").input("OH-T1").run()
    button, fields = _address_form(at)
    assert (fields["Province"].value, fields["City"].value, fields["Street address"].value) == T1  # shows OH-T1's
    fields["Reason"].input("buyer called")
    button.click().run()
    assert not at.exception, at.exception
    assert _address(routed, "OH-T1") == T1 and _address(routed, "OH-T8") == T8


def test_a_form_saves_onto_the_order_it_was_loaded_for_not_the_one_typed_since(routed):
    """The order id field changes in the same run as the submit (typed, then the button clicked at once):
    the edit lands on the order the form showed, with the values it showed."""
    at = open_app(role="ops", page="pages/order.py", order_id="OH-T8")
    button, fields = _address_form(at)
    fields["Street address"].input("武汉市江夏区大学城路2号")
    fields["Reason"].input("buyer called")
    at.text_input(key="order_id").input("OH-T1")
    button.click().run()
    assert not at.exception, at.exception
    assert _address(routed, "OH-T1") == T1
    assert _address(routed, "OH-T8") == ("湖北", "武汉", "武汉市江夏区大学城路2号")
    [action] = _audit(routed, "correct_address")
    assert action["target_id"] == "OH-T8" and action["reason"] == "buyer called"


def test_a_form_whose_order_changed_since_it_was_drawn_is_refused_with_who(routed):
    at = open_app(role="ops", page="pages/order.py", order_id="OH-T1")
    button, fields = _address_form(at)
    version = latest(routed.lake_dir, "orders", ["OH-T1"])["OH-T1"]["ingested_at"]
    triage.correct_address(routed, auth.User("ana", "ops"), "OH-T1", version, "浙江", "杭州", "文一路 1 号", "fix")
    fields["Reason"].input("mine")
    button.click().run()
    assert not at.success and not at.error
    assert "1 not saved: changed by ana at " in shown(at.warning[0].value) and "(OH-T1)" in shown(at.warning[0].value)
    assert _address(routed, "OH-T1") == ("浙江", "杭州", "文一路 1 号")  # ana's edit stands


def test_two_ops_on_one_exception_the_second_is_told_who_and_when(routed):
    auth.add_user("ana", "ops", "ana password 1", routed)
    ana, bob = (open_app(role="ops", page="pages/queue.py", name=n) for n in ("ana", "bob"))
    for at in (ana, bob):
        at.multiselect(key="act_ids").set_value([REVIEW])
        at.radio(key="act_kind").set_value("resolve")
    next(b for b in ana.button if b.form_id == "queue_action").click().run()
    assert ana.success[0].value == "1 exception(s) updated."
    next(b for b in bob.button if b.form_id == "queue_action").click().run()
    assert not bob.success and not bob.error
    text = shown(bob.warning[0].value)
    assert text.startswith("1 not saved: changed by ana at ") and f"({REVIEW})" in text
    row = latest(routed.lake_dir, "exceptions", [REVIEW])[REVIEW]
    assert row["status"] == "resolved" and [a["user"] for a in _audit(routed, "resolve")] == ["ana"]
