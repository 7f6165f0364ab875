"""An ops agent corrects addresses in a real browser: a shipped order refuses the change; a made-up province
and a city of another province are refused in the reader's language (never a field name); a real address
saves. tests/handmade.py: OH-A has shipped; here it gets a packed version, as if not yet shipped."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from models.settings import Settings
from models.versions import latest
from tests.browser.conftest import login
from tests.browser.ui import assert_no_error, settle
from tests.hostile import new_version

pytestmark = pytest.mark.browser
SCOPE = "/?from=2026-03-02&to=2026-03-02"


def _open(page: Page, order_id: str, label: str) -> None:
    """Open an order and wait for its forms: on a loaded machine the run Enter asks for can start after
    `settle` has looked, and a form filled before that run redraws it is filled on the old page."""
    box = page.get_by_role("textbox", name=label)
    box.fill(order_id)
    box.press("Enter")
    settle(page)
    expect(page.locator('[data-testid="stForm"]').first).to_be_visible()
    settle(page)


def _correct(page: Page, form_name: str, fields: dict[str, str]) -> None:
    form = page.locator('[data-testid="stForm"]').filter(has_text=form_name)
    for name, value in fields.items():
        box = form.get_by_role("textbox", name=name, exact=True)
        box.fill(value)
        expect(box).to_have_value(value)
    form.get_by_role("button", name=form_name).click(no_wait_after=True)
    settle(page)


def test_addresses_are_checked_like_an_oms(page: Page, own_console, shoot):
    url, data_dir = own_console
    lake_dir = Settings(data_dir=data_dir).lake_dir
    new_version(lake_dir, "OH-A", status="packed")
    page.set_viewport_size({"width": 1440, "height": 1800})
    login(page, url + "/order" + SCOPE[1:], "ops")  # a shared link: signs in on that page
    expect(page.get_by_role("textbox", name="Order id")).to_be_visible(timeout=90_000)
    _open(page, "OH-B", "Order id")  # shipped
    _correct(page, "Correct the address", {"Province": "浙江", "City": "杭州", "Street address": "文一路 1 号"})
    expect(page.get_by_text("This order is Shipped: its address can no longer be changed.")).to_be_visible()

    _open(page, "OH-A", "Order id")
    _correct(page, "Correct the address", {"Province": "Atlantis", "City": "x", "Street address": "???"})
    expect(page.get_by_text("“Atlantis” is not a province on the list")).to_be_visible()
    assert "receiver_" not in page.locator("body").inner_text()
    shoot(page, "order-address-refused")

    page.get_by_text("中文", exact=True).click()
    settle(page)
    _open(page, "OH-A", "订单号")
    _correct(page, "修改地址", {"省份": "浙江", "城市": "南京", "详细地址": "中山路 1 号"})
    expect(page.get_by_text("“南京”不是浙江省的城市")).to_be_visible()
    shoot(page, "order-address-refused-zh")
    _correct(page, "修改地址", {"省份": "江苏", "城市": "南京", "详细地址": "中山路 1 号"})
    expect(page.get_by_text("已保存。")).to_be_visible()
    row = latest(lake_dir, "orders", ["OH-A"])["OH-A"]
    assert (row["receiver_province"], row["receiver_city"], row["receiver_address"]) == ("江苏", "南京", "中山路 1 号")
    assert_no_error(page)
