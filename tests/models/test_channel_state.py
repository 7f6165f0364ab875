"""Paused feeds: only a triage user whose access covers the whole feed resumes one, through the audit writer."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from models import channel_state
from models.access import Access, AccessDenied
from models.auth import User
from models.db import connect
from models.settings import Settings

AT = datetime(2026, 3, 8, 1, 0, tzinfo=UTC)


@pytest.fixture
def paused(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir)
    channel_state.pause(settings, "shopee", "s1", "12 payloads failed", "RUN-1", AT)
    return settings


def _actions(settings: Settings) -> list[tuple]:
    db = connect(settings)
    try:
        return db.con.execute('select "user", role, action, target_type, target_id, before, after '
                              "from actions").fetchall()
    finally:
        db.close()


def test_pause_is_kept_with_its_reason_and_run(paused):
    assert channel_state.paused(paused) == {
        "shopee/s1": {"since": "2026-03-08T01:00:00+00:00", "reason": "12 payloads failed", "run_id": "RUN-1"}}
    assert channel_state.pause_of(paused, "shopee", "s2") is None


@pytest.mark.parametrize("user", [
    None,
    User("v", "viewer"),  # no triage permission
    User("w", "ops", Access(warehouses=("Suzhou",))),  # the feed brings every warehouse's orders
    User("t", "ops", Access(channels=("tmall",))),  # another channel's feed
    User("x", "nobody"),  # an unknown role may do nothing
])
def test_resume_refused_without_triage_and_a_covering_access(paused, user):
    with pytest.raises(AccessDenied):
        channel_state.resume(paused, user, "shopee", "s1")
    assert channel_state.pause_of(paused, "shopee", "s1") is not None
    assert _actions(paused) == []


def test_resume_unpauses_and_is_one_audit_row(paused):
    ops = User("ana", "ops", Access(channels=("shopee",)))
    assert channel_state.resume(paused, ops, "shopee", "s1")
    assert channel_state.paused(paused) == {}
    [(user, role, action, target_type, target_id, before, after)] = _actions(paused)
    assert (user, role, action, target_type, target_id) == ("ana", "ops", "resume_channel", "channel", "shopee/s1")
    assert json.loads(before)["run_id"] == "RUN-1" and json.loads(after) == {"paused": False}


def test_resuming_a_feed_no_longer_paused_says_so_and_writes_nothing(paused):
    admin = User("root", "admin")
    assert channel_state.resume(paused, admin, "shopee", "s1") is True
    assert channel_state.resume(paused, admin, "shopee", "s1") is False
    assert len(_actions(paused)) == 1
