"""Issue #11 in a real browser, where a person sees it: an address form loaded for one order never lands on
another (item 1), and hostile order fields show as text on every page that shows them (item 8)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from models.settings import Settings
from models.versions import latest
from tests.browser.conftest import login
from tests.browser.ui import assert_no_error, nav, settle
from tests.hostile import BEACON, HOSTILE, make_hostile, new_version

pytestmark = pytest.mark.browser
SCOPE = "/?from=2026-03-02&to=2026-03-02"
ADDRESS = ("receiver_province", "receiver_city", "receiver_address")
BUILT_FROM_DATA = (f'img[src*="{BEACON}"], a[href*="{BEACON}"], a[href^="javascript"], '
                   'img[src="x"], [onerror]')


def _address(data_dir, order_id):
    row = latest(Settings(data_dir=data_dir).lake_dir, "orders", [order_id])[order_id]
    return tuple(row[c] for c in ADDRESS)


def _built_from_data(page: Page) -> list[str]:
    """Elements the browser built from the hostile values: images, links, event handlers (their HTML)."""
    return page.locator(BUILT_FROM_DATA).evaluate_all("els => els.map(e => e.outerHTML.slice(0, 300))")


def _open_order(page: Page, order_id: str) -> None:
    page.get_by_role("textbox", name="Order id").fill(order_id)
    page.keyboard.press("Enter")
    settle(page)


def test_switching_order_then_saving_only_a_reason_leaves_both_addresses(page: Page, own_console):
    url, data_dir = own_console
    a, b = ("江苏", "苏州", "A 路 1 号"), ("浙江", "杭州", "B 路 2 号")
    for order_id, address in (("OH-A", a), ("OH-B", b)):
        new_version(Settings(data_dir=data_dir).lake_dir, order_id, status="packed",  # not shipped yet: editable
                    **dict(zip(ADDRESS, address, strict=True)))
    login(page, url + SCOPE, "ops")
    nav(page, "Order detail")
    _open_order(page, "OH-A")
    form = page.locator('[data-testid="stForm"]').filter(has_text="Correct the address")
    expect(form.get_by_role("textbox", name="City")).to_have_value(a[1])
    _open_order(page, "OH-B")
    expect(form.get_by_role("textbox", name="Province")).to_have_value(b[0])  # B's, not A's
    expect(form.get_by_role("textbox", name="Street address")).to_have_value(b[2])
    form.get_by_role("textbox", name="Reason").fill("buyer called")
    form.get_by_role("button", name="Correct the address").click()
    settle(page)
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert _address(data_dir, "OH-B") == b and _address(data_dir, "OH-A") == a
    assert_no_error(page)


def test_hostile_order_fields_show_as_text_on_every_page(page: Page, own_console):
    url, data_dir = own_console
    make_hostile(Settings(data_dir=data_dir).lake_dir, "OH-B")
    login(page, url + SCOPE, "ops")
    for name in ("Overview", "Exception queue", "Explore", "Flow", "Capacity", "Exceptions"):
        nav(page, name)
        assert _built_from_data(page) == [], name
    nav(page, "Order detail")
    _open_order(page, "OH-B")
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="onerror")
    text = caption.inner_text().replace("\u2060", "")  # word joiners keep URLs text; invisible
    for field in ("receiver_name", "receiver_phone", "receiver_province", "receiver_city"):
        assert HOSTILE[field] in text  # the characters themselves, not an image, link or colour
    assert len(text) < 1_500 and text.rstrip().endswith("…")  # the 100 000-character address is cut
    expect(page.locator('[data-testid="stMetricValue"]').filter(has_text="<a href=")).to_have_count(1)
    assert _built_from_data(page) == []
    assert page.locator('[data-testid="stMarkdownContainer"] .stMarkdownColoredText, '
                        '[data-testid="stMarkdownContainer"] .katex').count() == 0
