"""A sign-in survives a reload and a new tab; a shared link opened signed-out signs in to that page; a
sign-out revokes the remembered session, so its cookie, replayed, signs nobody in (models/sessions.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PASSWORD, USERS
from tests.browser.ui import settle

pytestmark = pytest.mark.browser
LINK = "/queue?from=2026-03-02&to=2026-03-02"


def signed_in_on(page: Page, title: str) -> None:
    expect(page.locator('[data-testid="stSidebarNav"]')).to_be_visible()
    expect(page.locator("h1").first).to_have_text(title)
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)


def wait_for_cookie(page: Page, present: bool, timeout_s: int = 60) -> None:
    """The browser fetches (or drops) its cookie once the run has drawn: wait for that, within a minute."""
    for _ in range(timeout_s * 2):
        if any(c["name"] == "orderhub_session" for c in page.context.cookies()) == present:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"the session cookie is {'missing' if present else 'still there'} after {timeout_s} s")


def test_a_shared_link_signs_in_there_and_the_sign_in_survives_reloads_and_tabs(browser: Browser, console_url,
                                                                                shoot):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.goto(console_url + LINK)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.wait_for_timeout(800)
    assert page.get_by_text("Page not found").count() == 0
    page.get_by_role("textbox", name="User name").fill(USERS["ops"])
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    signed_in_on(page, "Exception queue")
    assert page.url.endswith(LINK)
    settle(page)
    wait_for_cookie(page, present=True)
    cookie = next(c for c in context.cookies() if c["name"] == "orderhub_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert cookie["value"] not in page.content() and cookie["value"] not in page.url
    assert page.evaluate("document.cookie").find("orderhub_session") == -1  # page scripts cannot read it

    page.reload()
    signed_in_on(page, "Exception queue")
    second = context.new_page()
    second.goto(console_url + "/order")
    signed_in_on(second, "Order detail")
    shoot(second, "signin-remembered-new-tab")

    second.get_by_role("button", name="Sign out").click()
    expect(second.get_by_role("button", name="Sign in")).to_be_visible()
    wait_for_cookie(second, present=False)
    context.close()

    replay = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
    replay.add_cookies([{key: cookie[key] for key in ("name", "value", "domain", "path")}])
    stranger = replay.new_page()
    stranger.goto(console_url + LINK)
    expect(stranger.get_by_role("button", name="Sign in")).to_be_visible()
    stranger.wait_for_timeout(800)
    assert stranger.locator('[data-testid="stSidebarNav"]').count() == 0
    replay.close()
