"""Failed sign-ins: counted outside the lake in a bounded file, limited per address, per user and address
and per user, one audit row per lockout, a reset ends a lock; the scrypt cost and its rehash."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from models import auth, login_guard
from models.auth import LoginLocked, User
from models.db import connect
from models.settings import load_settings

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ATTACKER, ADMIN_DESK = "203.0.113.9", "198.51.100.7"


@pytest.fixture
def settings(data_dir):
    s = load_settings()
    auth.add_user("root", "admin", "the admin password", s)
    return s


def _audit(settings) -> list[tuple]:
    if not (settings.lake_dir / "actions").exists():
        return []
    db = connect(settings)
    try:
        return db.con.execute("select action, target_type, target_id from actions order by occurred_at").fetchall()
    finally:
        db.close()


def _state_entries(settings) -> list[list[str]]:
    return json.loads(login_guard.state_path(settings).read_text())["failures"]


def test_made_up_names_fill_neither_lake_nor_state(settings):
    refused = 0
    for i in range(50):
        try:
            assert auth.verify(f"nobody{i}", "guess", settings, now=T0 + timedelta(seconds=i), client=ATTACKER) is None
        except LoginLocked as exc:
            assert exc.scope == "client" and "from this address" in str(exc)
            refused += 1
    assert refused == 50 - login_guard.CLIENT_LIMIT  # the address is throttled after 20 failures
    assert _audit(settings) == [("login_locked", "client", ATTACKER)]  # one event for the lockout
    entries = _state_entries(settings)
    assert len(entries) == login_guard.CLIENT_LIMIT and {e[2] for e in entries} == {""}  # no made-up name kept
    assert not list(settings.lake_dir.glob("**/*.parquet"))[1:]  # only the one audit file


def test_state_file_is_capped(settings, monkeypatch):
    monkeypatch.setattr(login_guard, "MAX_ENTRIES", 30)
    for i in range(100):  # 100 addresses, one failure each: no limit reached, but the file stays small
        auth.verify("root", "wrong", settings, now=T0 + timedelta(seconds=i), client=f"10.0.{i // 250}.{i % 250}")
    entries = _state_entries(settings)
    assert len(entries) == 30 and entries[-1][1] == "10.0.0.99"  # the newest kept


def test_an_attacker_elsewhere_cannot_lock_the_admin_out(settings):
    for i in range(login_guard.PAIR_LIMIT):
        assert auth.verify("root", f"guess {i}", settings, now=T0 + timedelta(minutes=i), client=ATTACKER) is None
    with pytest.raises(LoginLocked, match="ask an admin to reset"):
        auth.verify("root", "the admin password", settings, now=T0 + timedelta(minutes=6), client=ATTACKER)
    assert auth.verify("root", "the admin password", settings, now=T0 + timedelta(minutes=6),
                       client=ADMIN_DESK) == User("root", "admin")
    assert _audit(settings) == [("login_locked", "user", "root")]


def test_many_addresses_together_lock_the_user_everywhere(settings):
    for i in range(login_guard.USER_LIMIT):
        auth.verify("root", "wrong", settings, now=T0 + timedelta(seconds=i), client=f"10.1.0.{i}")
    with pytest.raises(LoginLocked) as locked:
        auth.verify("root", "the admin password", settings, now=T0 + timedelta(minutes=1), client=ADMIN_DESK)
    assert locked.value.scope == "user" and locked.value.minutes == 15
    assert _audit(settings) == [("login_locked", "user", "root")]


def test_an_admins_reset_ends_the_lock(settings):
    auth.add_user("olga", "ops", "olga's password", settings)
    for _ in range(login_guard.PAIR_LIMIT):
        auth.verify("olga", "wrong", settings, now=datetime.now(UTC))
    with pytest.raises(LoginLocked):
        auth.verify("olga", "olga's password", settings)
    auth.set_password("olga", "a new password", settings)
    assert auth.verify("olga", "a new password", settings) == User("olga", "ops")


def test_new_hashes_use_owasp_cost(settings, monkeypatch):
    monkeypatch.delenv(auth.TEST_SCRYPT_N_ENV)
    assert auth.hash_password("some password").startswith(f"scrypt${2**17}$8$1$")


def test_a_weaker_hash_is_replaced_at_the_next_sign_in(settings, monkeypatch):
    old = auth.users(settings)["root"]
    assert old["password"].startswith("scrypt$1024$8$1$")  # written at the tests' cheap cost
    monkeypatch.delenv(auth.TEST_SCRYPT_N_ENV)  # now the real default applies
    assert auth.verify("root", "wrong password", settings) is None
    assert auth.users(settings)["root"]["password"] == old["password"]  # a wrong password changes nothing
    assert auth.verify("root", "the admin password", settings) == User("root", "admin")
    new = auth.users(settings)["root"]
    assert new["password"].startswith(f"scrypt${2**17}$8$1$") and new["password"] != old["password"]
    assert auth.password_fingerprint(new) == auth.password_fingerprint(old)  # a rehash ends no session
    assert auth.verify("root", "the admin password", settings) == User("root", "admin")


def test_a_reset_changes_the_fingerprint_and_a_role_change_does_not(settings):
    before = auth.password_fingerprint(auth.users(settings)["root"])
    auth.set_role("root", "ops", settings)
    assert auth.password_fingerprint(auth.users(settings)["root"]) == before
    assert auth.users(settings)["root"]["role"] == "ops"  # the cache follows the file
    auth.set_password("root", "another password", settings)
    assert auth.password_fingerprint(auth.users(settings)["root"]) != before
