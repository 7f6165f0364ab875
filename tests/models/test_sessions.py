"""Remembered sign-ins: a one-time code becomes a signed token once; a forged, expired, revoked token, or one
whose user's password or role changed, signs nobody in; the secret and the list stay owner-only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import stat
import time

import pytest

from models import auth, sessions
from models.settings import load_settings


@pytest.fixture
def settings(data_dir):
    s = load_settings()
    auth.add_user("alice", "ops", "alice's password", s)
    return s


def _signed_in(settings) -> tuple[str, str]:
    sid, code = sessions.issue(settings, "alice", auth.users(settings)["alice"], hours=2)
    token, seconds = sessions.redeem(settings, code)
    assert 2 * 3600 - 5 <= seconds <= 2 * 3600
    return sid, token


def test_a_code_is_redeemed_once_for_a_token_signed_with_the_secret_on_disk(settings):
    sid, token = _signed_in(settings)
    assert sessions.resolve(settings, token, auth.users(settings)) == ("alice", sid)
    secret = (settings.data_dir / "state" / "session_secret").read_bytes()
    got_sid, expires, signature = token.split(".")
    mac = hmac.new(secret, f"{got_sid}.{expires}".encode(), hashlib.sha256).digest()  # worked out here, by hand
    assert signature == base64.urlsafe_b64encode(mac).decode().rstrip("=") and got_sid == sid
    assert sessions.redeem(settings, "any-other-code") is None
    _, code = sessions.issue(settings, "alice", auth.users(settings)["alice"])
    assert sessions.redeem(settings, code) is not None and sessions.redeem(settings, code) is None  # once


def test_forged_or_expired_tokens_sign_nobody_in(settings):
    _, token = _signed_in(settings)
    users = auth.users(settings)
    got_sid, expires, signature = token.split(".")
    later = int(expires) + 3600
    assert sessions.resolve(settings, f"{got_sid}.{later}.{signature}", users) is None  # longer life, old signature
    assert sessions.resolve(settings, f"other.{expires}.{signature}", users) is None
    assert sessions.resolve(settings, token[:-2], users) is None
    assert sessions.resolve(settings, None, users) is None
    _, code = sessions.issue(settings, "alice", users["alice"], hours=1 / 3600)  # one second
    short, _ = sessions.redeem(settings, code)
    time.sleep(1.2)
    assert sessions.resolve(settings, short, users) is None


def test_sign_out_password_and_role_changes_revoke(settings):
    sid, token = _signed_in(settings)
    sessions.revoke(settings, sid)
    assert sessions.resolve(settings, token, auth.users(settings)) is None
    _, token = _signed_in(settings)
    auth.set_role("alice", "viewer", settings)
    assert sessions.resolve(settings, token, auth.users(settings)) is None
    _, token = _signed_in(settings)
    auth.set_password("alice", "a new password", settings)
    assert sessions.resolve(settings, token, auth.users(settings)) is None
    assert sessions.listed(settings) == []


def test_secret_and_list_are_owner_only_and_hold_no_token_or_code(settings):
    _, code = sessions.issue(settings, "alice", auth.users(settings)["alice"])
    token, _ = sessions.redeem(settings, code)
    for name in ("session_secret", "sessions.json"):
        assert stat.S_IMODE((settings.data_dir / "state" / name).stat().st_mode) == 0o600
    listed = (settings.data_dir / "state" / "sessions.json").read_text()
    assert code not in listed and token.split(".")[2] not in listed
