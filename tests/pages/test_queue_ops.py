"""The queue refuses what an OMS refuses, before saving anything: Apply with nothing picked, a resolve whose
code needs a note without one; and an empty filter result says so instead of drawing an empty table."""

from __future__ import annotations

import pytest

from models import auth, triage
from models.exceptions import exception_id
from models.rules.apply import route_batch
from models.versions import latest
from tests import triage_fixture as tf
from tests.pages.helpers import open_app

REVIEW = exception_id("OH-T8", "manual_review", "int-campus-risk")


@pytest.fixture
def routed(triage_lake):
    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    return triage_lake


def _apply(at):
    next(b for b in at.button if b.form_id == "queue_action").click().run()


def test_refusals_save_nothing_and_say_why(routed):
    before = latest(routed.lake_dir, "exceptions", [REVIEW])[REVIEW]["updated_at"]
    at = open_app(role="ops", page="pages/queue.py")
    at.radio(key="act_kind").set_value("take")
    _apply(at)
    assert [e.value for e in at.error] == ["Nothing selected: tick at least one row in the table (or type its id "
                                           "above) before Apply."] and not at.success
    at.multiselect(key="act_ids").set_value([REVIEW])
    at.radio(key="act_kind").set_value("resolve")
    at.selectbox(key="act_code").set_value("refunded")
    _apply(at)
    assert [e.value for e in at.error] == ["The resolution code “Refunded” needs a note: say what was done."]
    assert latest(routed.lake_dir, "exceptions", [REVIEW])[REVIEW]["updated_at"] == before  # nothing written
    at.text_input(key="act_note").input("refunded 12.00 on Tmall")
    _apply(at)
    assert at.success[0].value == "1 exception(s) updated." and not at.error
    row = latest(routed.lake_dir, "exceptions", [REVIEW])[REVIEW]
    assert (row["status"], row["resolution_code"]) == ("resolved", "refunded")


def test_the_model_refuses_a_note_less_code_too(routed):
    version = latest(routed.lake_dir, "exceptions", [REVIEW])[REVIEW]["updated_at"]
    with pytest.raises(triage.EditError, match="needs a note") as refused:
        triage.resolve(routed, auth.User("olga", "ops"), REVIEW, version, "not_an_issue", "  ")
    assert refused.value.label == "queue.note_needed"


def test_an_empty_filter_result_says_so(routed):
    at = open_app(role="ops", page="pages/queue.py")
    at.multiselect(key="q_severity").set_value(["low"]).run()  # no low-severity exception in the fixture
    assert at.info[0].value.startswith("No exception matches these filters.")
    assert len(at.dataframe) == 0
