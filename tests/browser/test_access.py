"""A user scoped to one channel, in a real browser: the queue lists only that channel's exceptions.

The hand-made lake's queue (open / in progress) holds X2 alone (payment_failed on D, jd/Chengdu; see
tests/browser/test_ops.py). This test adds X3, open, on A (shopee/Suzhou): an unscoped ops user sees both; a
user scoped to shopee sees X3 only, and the sidebar offers only Shopee.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from models import auth, lake
from models.access import Access
from models.settings import Settings
from tests import handmade
from tests.browser.conftest import PASSWORD, browser_data, login
from tests.browser.server import console
from tests.browser.ui import assert_no_error, grid_rows, grid_text, nav

pytestmark = pytest.mark.browser
SCOPE = "/?from=2026-03-02&to=2026-03-02"


@pytest.fixture
def scoped_console(tmp_path: Path) -> Iterator[str]:
    """The browser lake plus X3 on a shopee order, and `test.shopee`, an ops user scoped to shopee."""
    data_dir = browser_data(tmp_path / "data")
    settings = Settings(data_dir=data_dir)
    lake.write(settings.lake_dir, "exceptions", [
        {"exception_id": "X3", "order_id": "OH-A", "type": "address_invalid", "severity": "medium",
         "status": "open", "detected_at": handmade.local(2, 11), "due_at": handmade.local(2, 13),
         "updated_at": handmade.local(2, 11), "ingested_at": handmade.local(2, 11)}])
    auth.add_user("test.shopee", "ops", PASSWORD, settings)
    auth.set_access("test.shopee", Access(channels=("shopee",)), settings)
    with console(data_dir, tmp_path / "streamlit.log") as url:
        yield url


def _sign_in(page: Page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('[data-testid="stSidebarNav"]')


def test_a_channel_scoped_ops_user_sees_only_their_channel_in_the_queue(page: Page, scoped_console, shoot):
    login(page, scoped_console + SCOPE, "ops")
    nav(page, "Exception queue")
    assert grid_rows(page, 1) == 2  # unscoped: X2 (jd) and X3 (shopee)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()

    _sign_in(page, scoped_console + SCOPE, "test.shopee")
    nav(page, "Exception queue")
    expect(page.get_by_text("You see only your access: Channels: shopee.")).to_be_visible()
    assert grid_rows(page, 1) == 1
    queue = grid_text(page, 1)
    assert "X3" in queue and "X2" not in queue and "jd" not in queue
    shoot(page, "scoped-queue")
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Channels").click()
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("Shopee")
    page.keyboard.press("Escape")
    assert_no_error(page)
