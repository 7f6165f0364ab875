"""Starting the console under AppTest, the way every page test does."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from models.auth import User

APP = Path(__file__).resolve().parents[2] / "app.py"


def open_app(dates: tuple[date, date] | None = (date(2026, 3, 2), date(2026, 3, 2)), page: str | None = None,
             role: str | None = "admin", **state: object) -> AppTest:
    """Run app.py signed in as `test.<role>` (role=None: not signed in) with the given sidebar dates and
    session state, then switch to `page` if given."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if role is not None:
        at.session_state["user"] = User(f"test.{role}", role)
    if dates is not None:
        at.session_state["dates"] = dates
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def shown(markdown: str) -> str:
    """What a reader sees of Markdown text whose data was backslash-escaped (CommonMark: a backslash before
    ASCII punctuation shows that character); word joiners (U+2060) are invisible."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")
