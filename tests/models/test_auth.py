"""Users file, scrypt passwords, rate-limited logins with an audit row, role permissions and PII masking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from models import auth
from models.auth import AuthError, LoginLocked, User, can, mask_frame, mask_phone
from models.db import connect
from models.settings import load_settings


@pytest.fixture
def settings(data_dir):
    return load_settings()


def test_add_user_and_verify(settings):
    auth.add_user("alice", "ops", "correct horse", settings)
    assert auth.verify("alice", "correct horse", settings) == User("alice", "ops")
    assert auth.verify("Alice ", "correct horse", settings) == User("alice", "ops")
    assert auth.verify("alice", "wrong horse!", settings) is None
    text = auth.users_path(settings).read_text()
    assert "correct horse" not in text and f"scrypt${auth.scrypt_n()}$8$1$" in text


def test_same_password_gets_different_salted_hashes(settings):
    auth.add_user("bob", "viewer", "same password", settings)
    auth.add_user("carol", "viewer", "same password", settings)
    table = auth.users(settings)
    assert table["bob"]["password"] != table["carol"]["password"]


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("alice", "ops", "short", "at least 8"),
    ("alice", "boss", "long enough", "unknown role"),
    ("Alice Smith", "ops", "long enough", "user name"),
])
def test_bad_new_users_are_refused(settings, name, role, password, message):
    with pytest.raises(AuthError, match=message):
        auth.add_user(name, role, password, settings)


def test_duplicate_user_and_reset_password(settings):
    auth.add_user("dave", "ops", "first password", settings)
    with pytest.raises(AuthError, match="already exists"):
        auth.add_user("dave", "admin", "other password", settings)
    auth.set_password("dave", "second password", settings)
    assert auth.verify("dave", "first password", settings) is None
    assert auth.verify("dave", "second password", settings) == User("dave", "ops")
    assert auth.set_role("dave", "admin", settings) == User("dave", "admin")


def test_failed_logins_are_rate_limited_and_the_lockout_recorded(settings):
    auth.add_user("erin", "ops", "right password", settings)
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for i in range(5):
        assert auth.verify("erin", f"wrong {i}", settings, now=t0 + timedelta(minutes=i)) is None
    with pytest.raises(LoginLocked, match="try again in 11 minute"):
        auth.verify("erin", "right password", settings, now=t0 + timedelta(minutes=5))
    # 15 minutes after the first failure only four remain in the window: the right password works again.
    assert auth.verify("erin", "right password", settings, now=t0 + timedelta(minutes=15)) == User("erin", "ops")
    db = connect(settings)
    rows = db.con.execute("select action, target_id, occurred_at from actions").fetchall()
    assert rows == [("login_locked", "erin", t0 + timedelta(minutes=4))]  # one row per lockout, not per attempt


def test_unknown_user_is_refused_without_a_trace_of_the_name(settings):
    assert auth.verify("mallory", "anything at all", settings) is None
    assert not (settings.lake_dir / "actions").exists()
    assert "mallory" not in (settings.data_dir / "state" / "login_failures.json").read_text()


def test_permissions():
    assert not can("viewer", "triage") and can("ops", "triage") and can("admin", "triage")
    assert not can("ops", "edit_rules") and can("admin", "edit_rules")
    assert not can("viewer", "view_pii") and not can(None, "view") and not can("root", "view")


def test_masking():
    assert mask_phone("13812345678") == "138****5678"
    assert auth.mask_address("浙江省杭州市西湖区文三路100号") == "浙江省杭州市****"
    assert auth.mask_name("张三") == "张*"
    df = pd.DataFrame({"order_id": ["O1"], "receiver_phone": ["13812345678"], "receiver_name": ["张三"],
                       "receiver_address": ["上海市浦东新区世纪大道1号"]})
    masked = mask_frame(df, "viewer")
    assert masked.iloc[0].to_dict() == {"order_id": "O1", "receiver_phone": "138****5678", "receiver_name": "张*",
                                        "receiver_address": "上海市浦东新****"}
    assert mask_frame(df, "ops") is df
    assert df.loc[0, "receiver_phone"] == "13812345678"  # the original is untouched


def test_ensure_demo_admin_only_once(settings):
    password = auth.ensure_demo_admin(settings)
    assert password and auth.verify("admin", password, settings) == User("admin", "admin")
    assert auth.ensure_demo_admin(settings) is None


def test_cli_add_user_reads_password_from_stdin(data_dir, monkeypatch, capsys):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("cli password\n"))
    assert auth.main(["add-user", "frank", "--role", "ops", "--password-stdin"]) == 0
    assert "created frank (ops)" in capsys.readouterr().out
    assert auth.verify("frank", "cli password") == User("frank", "ops")
    assert auth.main(["add-user", "frank", "--password-stdin"]) == 2
