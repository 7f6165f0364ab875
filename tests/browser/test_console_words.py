"""Issue #16 items 6 and 8 in the real browser, as an ops agent on shift would use them.

Figures are the hand-made lake's (tests/handmade.py), scope 2026-03-02: Shopee's orders that day are A and C
(two); Tmall's is B.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.browser.ui import assert_no_error, chart, grid_rows, grid_text, nav, settle

pytestmark = pytest.mark.browser
SIDEBAR = '[data-testid="stSidebar"]'


def _click_bar(page: Page, title: str, trace: int, point: int = 0) -> None:
    """Click the middle of a bar as a person would (plotly's drag layer takes the click, not the path)."""
    bar = chart(page, title).locator(".trace.bars").nth(trace).locator(".point path")
    box = bar.nth(point).bounding_box()
    assert box, "bar not drawn"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_clicking_a_bar_opens_its_orders_and_a_view_is_saved_and_subscribed(page: Page, console_url: str, shoot):
    page.set_default_timeout(120_000)  # eight engineers' tests share two cores
    login(page, f"{console_url}/?from=2026-03-02&to=2026-03-02", "ops")
    settle(page)
    # Daily orders: one trace per channel in code order douyin, jd, shopee, tmall → Shopee is trace 2
    _click_bar(page, "Daily orders by channel", 2)
    expect(page.locator("h1").first).to_have_text(re.compile("Explore"), timeout=60_000)
    settle(page)
    assert_no_error(page)
    expect(page.locator(SIDEBAR).get_by_text("Shopee")).to_be_visible()  # the click narrowed the channel
    assert grid_rows(page, 1) == 2  # the orders behind the bar: A and C
    orders = grid_text(page, 1)
    assert "OH-A" in orders and "OH-C" in orders and "OH-B" not in orders
    assert "channel=shopee" in page.url and "from=2026-03-02" in page.url
    shoot(page, "drill-click-explore")

    views = page.locator(SIDEBAR).get_by_text("Saved views", exact=True)
    views.click()
    page.get_by_role("textbox", name="Name this view").fill("Shopee Monday")
    page.keyboard.press("Enter")
    settle(page)  # on a loaded machine a click made while Enter's run redraws the sidebar lands on the old one
    page.get_by_role("button", name="Save view").click()
    settle(page)
    expect(page.locator(SIDEBAR).locator("code").filter(has_text="channel=shopee")).to_be_visible()
    page.get_by_role("textbox", name="E-mail address").fill("li@example.com")
    page.keyboard.press("Enter")
    settle(page)
    page.get_by_role("button", name="Subscribe").click()
    settle(page)
    expect(page.locator(SIDEBAR).get_by_text(re.compile("Explore · Daily .* li@\u2060?example.com"))).to_be_visible()
    shoot(page, "saved-view-subscription")

    nav(page, "Overview")  # elsewhere, then back through the saved view: Explore on Shopee's Monday again
    page.locator(SIDEBAR).get_by_role("button", name="open_in_new Open").click()
    expect(page.locator("h1").first).to_have_text(re.compile("Explore"), timeout=60_000)
    settle(page)
    assert grid_rows(page, 1) == 2


def test_the_console_reads_in_chinese_with_names_percent_and_days(page: Page, console_url: str, shoot):
    page.set_default_timeout(120_000)
    login(page, f"{console_url}/?from=2026-03-02&to=2026-03-02", "admin")
    nav(page, "Flow")
    on_time = chart(page, "On-time ship rate by day")
    expect(on_time.locator(".ytick text").first).to_be_attached()
    ticks = on_time.locator(".ytick text").all_text_contents()  # SVG text has no innerText
    assert ticks and all(t.endswith("%") for t in ticks), ticks  # a rate axis in percent, like the cards
    shoot(page, "flow-en")
    page.locator(SIDEBAR).get_by_text("中文").click()
    settle(page)
    nav(page, "异常队列")
    assert_no_error(page)
    headers = grid_text(page, 1)
    for raw in ("exception_id", "order_id", "age_h", "payment_failed", "in_progress"):
        assert raw not in headers, raw
    assert "订单" in headers and "支付失败" in headers
    shoot(page, "queue-zh")
    nav(page, "流程效率")
    heat = chart(page, "各环节小时数")  # the steps heatmap
    expect(heat.locator(".ytick text").first).to_be_attached()
    ticks = heat.locator(".ytick text").all_text_contents()
    assert any("发货" in t for t in ticks) and not any("shipped" in t for t in ticks), ticks
    shoot(page, "flow-zh")
