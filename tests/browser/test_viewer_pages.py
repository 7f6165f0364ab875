"""A viewer opens every page the navigation offers, by clicking its links, and sees figures and no error.

Expected figures are the hand-made lake's (tests/handmade.py), scope 2026-03-02: orders A–E (five),
one exception detected that day (X2, open; X1 was detected on 03-03), B has the only human action
(1/5 = 20.0 %), E is the order with an impossible duration (packed before picked).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.browser.ui import assert_no_error, grid_text, metric, nav, nav_names, settle

pytestmark = pytest.mark.browser
CHART = ".js-plotly-plot"


def overview(page: Page) -> None:
    expect(metric(page, "Orders")).to_have_text("5")
    expect(page.locator(CHART)).to_have_count(4)


def channels(page: Page) -> None:
    assert "shopee" in grid_text(page, 0).lower() and "tmall" in grid_text(page, 0).lower()


def queue(page: Page) -> None:
    assert "X2" in grid_text(page, 1) and "X1" not in grid_text(page, 1)  # open/in progress only


def order(page: Page) -> None:
    page.get_by_role("textbox", name="Order id").fill("OH-B")
    page.keyboard.press("Enter")
    expect(metric(page, "Status")).to_have_text("Shipped")  # the reader's word, not the key
    expect(metric(page, "Warehouse")).to_have_text("Hefei")


def lookup(page: Page) -> None:
    page.get_by_role("textbox", name="Order id, platform order id or tracking number").fill("OH-B")
    page.keyboard.press("Enter")
    expect(metric(page, "Channel")).to_have_text("Tmall")  # the display name, not the key


def flow(page: Page) -> None:
    expect(metric(page, "Orders traced")).to_have_text("5")


def exceptions(page: Page) -> None:
    expect(metric(page, "Exceptions raised")).to_have_text("1")
    expect(metric(page, "Still open")).to_have_text("1")


def manual(page: Page) -> None:
    expect(metric(page, "Manual intervention")).to_have_text("20.0%")


def capacity(page: Page) -> None:
    expect(page.locator(CHART).first).to_be_visible()
    expect(page.locator(CHART).first.locator(".bars .point")).to_have_count(24)  # one bar per hour of 03-02


def returns(page: Page) -> None:
    expect(metric(page, "Size too small")).to_be_visible()
    expect(page.locator(CHART)).to_have_count(2)


def reconciliation(page: Page) -> None:
    expect(page.get_by_role("heading", name="Month-end reconciliation", exact=True)).to_be_visible()
    expect(page.get_by_role("combobox", name="Month")).to_have_value("2026-03")  # the lake's newest month


def data_quality(page: Page) -> None:
    expect(metric(page, "Orders with impossible durations")).to_have_text("1")
    expect(metric(page, "Unreadable lake files")).to_have_text("0")


def explore(page: Page) -> None:
    expect(page.locator(CHART).first).to_be_visible()
    assert "OH-" in grid_text(page, -1)


def inventory(page: Page) -> None:
    expect(page.get_by_text("No stock known yet")).to_be_visible()  # the hand-made lake has no stock


def snapshot(page: Page) -> None:
    page.get_by_text("Show the e-mail preview").click()  # drawn on request
    preview = page.locator('[data-testid="stHtml"]').first
    expect(preview).to_contain_text("572", timeout=60_000)  # the week's GMV, ¥572.00 (A+B+C+E)


CHECKS: dict[str, Callable[[Page], None]] = {
    "Overview": overview, "Channels": channels, "Inventory": inventory, "Exception queue": queue, "Order detail": order,
    "Order lookup": lookup, "Flow efficiency": flow, "Exceptions": exceptions, "Manual intervention": manual,
    "Capacity": capacity, "Returns": returns, "Reconciliation": reconciliation, "Data quality": data_quality,
    "Explore": explore,
}
ADMIN_ONLY = {"snapshot": "Snapshot & alerts", "rules": "Rules", "users": "Users", "audit": "Audit trail"}


def test_viewer_sees_figures_on_every_page(page: Page, console_url: str, shoot):
    login(page, f"{console_url}/?from=2026-03-02&to=2026-03-02", "viewer")
    names = nav_names(page)
    assert names == list(CHECKS), "the viewer's navigation changed: add a check for the new page"
    for name in names:
        nav(page, name)
        CHECKS[name](page)
        assert_no_error(page)
        shoot(page, "viewer-" + name.lower().replace(" & ", "-").replace(" ", "-"))


@pytest.mark.parametrize("path", sorted(ADMIN_ONLY))
def test_viewer_cannot_open_admin_pages_by_url(page: Page, console_url: str, path: str):
    page.goto(f"{console_url}/{path}")
    page.get_by_role("textbox", name="User name").wait_for()
    page.wait_for_timeout(500)
    if page.get_by_role("dialog").count():  # Streamlit's "Page not found": the page is not served
        page.keyboard.press("Escape")
    login(page, page.url, "viewer")
    settle(page)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()  # the default page instead
    expect(page.get_by_role("heading", name=ADMIN_ONLY[path], exact=True)).to_have_count(0)
    assert "@example.com" not in page.content()


def test_admin_sees_the_snapshot(page: Page, console_url: str):
    login(page, f"{console_url}/?from=2026-03-02&to=2026-03-02", "admin")
    nav(page, "Snapshot & alerts")
    snapshot(page)
    assert_no_error(page)
