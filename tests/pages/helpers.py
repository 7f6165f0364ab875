"""Starting the console under AppTest, the way every page test does."""

from __future__ import annotations

import os
import re
import time
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from models import auth
from models.access import Access
from models.settings import load_settings
from ui.auth import SEEN_KEY, SESSION_KEY

APP = Path(__file__).resolve().parents[2] / "app.py"


def open_app(dates: tuple[date, date] | None = (date(2026, 3, 2), date(2026, 3, 2)), page: str | None = None,
             role: str | None = "admin", access: Access | None = None, name: str | None = None,
             **state: object) -> AppTest:
    """Run app.py signed in as `test.<role>` (role=None: not signed in; with an access: `scoped.<role>`) with
    the given sidebar dates and session state, then switch to `page` if given."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if role is not None:
        for key, value in signed_in(role, access, name).items():
            at.session_state[key] = value
    if dates is not None:
        at.session_state["dates"] = dates
    for key, value in state.items():
        at.session_state[key] = value
    if page:  # straight to the page, as a deep link opens it: no Overview run first (a second per test)
        at.switch_page(page)
    at.run()
    return at


def signed_in(role: str, access: Access | None = None, name: str | None = None) -> dict[str, object]:
    """Session state of `name` (default `test.<role>`, or limited to `access`, `scoped.<role>`) just signed in; the user
    exists in the test's users.toml, because the console re-reads the signed-in user on every run (needs the
    data_dir fixture's ORDERHUB_DATA)."""
    assert os.environ.get("ORDERHUB_DATA"), "sign-in needs a data dir: use the data_dir fixture (or one built on it)"
    settings, name = load_settings(), name or f"{'scoped' if access else 'test'}.{role}"
    if name not in auth.users(settings):
        auth.add_user(name, role, "test password", settings)
    if access is not None:
        auth.set_access(name, access, settings)
    entry = auth.users(settings)[name]
    return {SESSION_KEY: auth.user_from_entry(name, entry),
            SEEN_KEY: {"fp": auth.password_fingerprint(entry), "seen": time.time()}}


def shown(markdown: str) -> str:
    """What a reader sees of Markdown text whose data was backslash-escaped (CommonMark: a backslash before
    ASCII punctuation shows that character); word joiners (U+2060) are invisible."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")
