"""A customer-service agent in a real browser: types a tracking number into Order lookup, presses Enter, and
sees the order (tests/lookup_fixture.py: OH-L1, out for delivery), in English and in 中文."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from models.auth import add_user
from models.settings import Settings
from tests import lookup_fixture
from tests.browser.conftest import PASSWORD, USERS, login
from tests.browser.server import console
from tests.browser.ui import assert_no_error, grid_text, nav, settle

pytestmark = pytest.mark.browser


@pytest.fixture
def lookup_console(tmp_path: Path) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path / "data")
    lookup_fixture.build(settings.lake_dir)
    add_user(USERS["viewer"], "viewer", PASSWORD, settings)
    with console(settings.data_dir, tmp_path / "streamlit.log") as url:
        yield url


def test_agent_types_a_tracking_number_and_sees_the_order(page: Page, lookup_console: str, shoot):
    login(page, lookup_console, "viewer")
    nav(page, "Order lookup")
    page.get_by_role("textbox", name="Order id, platform order id or tracking number").fill("SF100200300")
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_text("The parcel is out for delivery today.")).to_be_visible()
    expect(page.locator("h2, h3").filter(has_text="OH-L1").first).to_be_visible()
    timeline = grid_text(page, 0)
    assert "Out for delivery" in timeline and "Warehouse" in timeline and "Sales platform" in timeline
    assert "13800001111" not in page.content()  # a viewer: the receiver is masked
    assert_no_error(page)
    shoot(page, "lookup-en")

    page.locator('[data-testid="stSidebar"]').get_by_text("中文").click()
    settle(page)
    expect(page.get_by_text("包裹今日派送中。")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_contain_text("派送中")
    timeline = grid_text(page, 0)
    assert "派送中" in timeline and "仓库" in timeline
    assert not re.search(r"\b(out_for_delivery|in_transit|wms|lookup\.\w+)\b", page.inner_text("body"))
    assert_no_error(page)
    shoot(page, "lookup-zh")
    page.get_by_text("原始报文").scroll_into_view_if_needed()
    shoot(page, "lookup-zh-sections")  # lines, open exceptions, actions
