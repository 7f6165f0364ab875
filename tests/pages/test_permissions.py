"""Pages fail closed by role; sessions follow users.toml (role change, reset, removal) and expire when idle;
a failing page shows one line with an error id and logs the traceback."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models import auth
from tests.pages.helpers import APP, open_app, shown
from ui import frame
from ui.auth import SEEN_KEY, SESSION_KEY, allowed_pages

PAGE_FILES = sorted(p.name for p in (APP.parent / "pages").glob("*.py"))


def _offered(at: AppTest) -> list[str]:
    return sorted(Path(str(i.get("script_path"))).name for i in at._registered_pages.values())


def test_every_page_file_is_declared_with_a_permission(handmade_lake):
    # An admin may do everything: a page file the admin is not offered lacks a declaration (or has a
    # misspelt permission) in app.py, and is therefore refused to everyone.
    assert _offered(open_app(role="admin")) == PAGE_FILES


def test_a_page_with_an_unknown_permission_is_refused_even_to_admins():
    admin = auth.User("a", "admin")
    pages = {"nav.admin": [("known page", "manage_users"), ("typo page", "manage_user")]}
    assert allowed_pages(pages, admin) == {"Admin": ["known page"]}


@pytest.mark.parametrize("page", ["snapshot.py", "rules.py", "users.py", "audit.py"])
def test_a_viewer_cannot_open_admin_pages(handmade_lake, page):
    at = open_app(role="viewer")
    assert page not in _offered(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # Streamlit will not serve it
        at.switch_page(f"pages/{page}")
    # and the page refuses by itself, should it ever run for a viewer
    alone = AppTest.from_file(str(APP.parent / "pages" / page), default_timeout=60)
    for key in (SESSION_KEY, SEEN_KEY):
        alone.session_state[key] = at.session_state[key]
    alone.session_state[frame.FRAMED] = True
    alone.run()
    assert alone.error and alone.error[0].value.startswith("Your role (viewer) cannot")
    assert not alone.exception


def test_snapshot_recipients_only_for_admins(handmade_lake):
    (handmade_lake.config_dir).mkdir(parents=True, exist_ok=True)
    (handmade_lake.config_dir / "email.toml").write_text('[recipients]\nmanager = ["boss@example.com"]\n')
    admin = open_app(role="admin", page="pages/snapshot.py")
    assert any("boss@example.com" in shown(c.value) for c in admin.caption)
    ops = open_app(role="ops")
    assert "snapshot.py" not in _offered(ops)


def _queue_forms(at: AppTest) -> list:
    return [b for b in at.button if b.form_id == "queue_action"]


def test_a_role_change_applies_to_the_open_session(triage_lake):
    from models.rules.apply import route_batch
    from tests import triage_fixture as tf

    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    at = open_app(role="ops", page="pages/queue.py")
    assert _queue_forms(at)
    auth.set_role("test.ops", "viewer", triage_lake)
    at.run()
    assert not at.exception and not _queue_forms(at)
    assert at.session_state[SESSION_KEY] == auth.User("test.ops", "viewer")


def test_a_password_reset_signs_the_session_out(handmade_lake):
    at = open_app(role="ops")
    assert at.metric
    auth.set_password("test.ops", "a brand new password", handmade_lake)
    at.run()
    assert at.title[0].value == "Sign in to OrderHub" and not at.metric
    assert "password was reset" in at.info[0].value
    at.text_input(key="login_name").input("test.ops")
    at.text_input(key="login_password").input("a brand new password")
    next(b for b in at.button if b.form_id == "login").click().run()
    assert at.metric and not at.exception


def test_a_removed_user_is_signed_out(handmade_lake):
    at = open_app(role="viewer")
    auth._save(handmade_lake, {})  # users.toml without them
    at.run()
    assert at.title[0].value == "Sign in to OrderHub"


def test_an_idle_session_expires(handmade_lake):
    at = open_app(role="viewer")
    assert at.metric
    at.session_state[SEEN_KEY] = {**at.session_state[SEEN_KEY], "seen": time.time() - 8 * 3600 - 60}
    at.run()
    assert at.title[0].value == "Sign in to OrderHub" and "without activity" in at.info[0].value
    fresh = open_app(role="viewer")
    fresh.session_state[SEEN_KEY] = {**fresh.session_state[SEEN_KEY], "seen": time.time() - 7 * 3600}
    fresh.run()
    assert fresh.metric  # 7 h idle is within the default 8 h


def _failing_page() -> None:
    from ui.errors import run_page

    class Broken:
        url_path = "broken"

        def run(self) -> None:
            raise RuntimeError("cannot open /srv/orderhub/secret/path.parquet")

    run_page(Broken())


def test_a_failing_page_shows_an_error_id_not_internals():
    from ui import errors

    records: list[logging.LogRecord] = []
    errors._handler()
    catcher = logging.Handler()
    catcher.emit = records.append
    errors.log.addHandler(catcher)
    try:
        at = AppTest.from_function(_failing_page, default_timeout=30).run()
    finally:
        errors.log.removeHandler(catcher)
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert message.startswith("This page failed (error id ") and "/srv" not in message
    error_id = message.split("error id ")[1][:8]
    assert len(records) == 1 and error_id in records[0].getMessage()
    assert "RuntimeError: cannot open /srv/orderhub" in records[0].exc_text  # the traceback is in the log
