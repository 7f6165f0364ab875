"""Ops at work in a real browser: resolving an exception through the queue's form, and PII by role.

By hand (tests/handmade.py, scope 2026-03-02): orders A–E; B carries the only human action, so manual
intervention is 1/5 = 20.0 %. The queue (open / in progress) holds X2 alone (payment_failed on D; X1 is
resolved). Resolving X2 writes an action on D: 2/5 = 40.0 %, and the queue is empty.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.browser.ui import assert_no_error, grid_rows, grid_text, metric, nav, settle

pytestmark = pytest.mark.browser
SCOPE = "/?from=2026-03-02&to=2026-03-02"


def resolve_in_queue(page: Page, exception_id: str, note: str) -> None:
    """Pick the exception in the form, choose Resolve, write a note, apply."""
    form = page.locator('[data-testid="stForm"]')
    form.locator('[data-testid="stMultiSelect"]').click()
    page.get_by_role("option", name=exception_id).click()
    page.keyboard.press("Escape")
    form.get_by_text("Resolve", exact=True).click()
    form.get_by_role("textbox", name="Note / reason").fill(note)
    form.get_by_role("button", name="Apply").click()
    settle(page)


def _expect_the_queue_empty(page: Page) -> None:
    """The empty-queue line; when it does not come, the page is reloaded so the failure says which kind it
    is: a page that read the lake from before the edit (empty after a reload) or a lost edit (still listed).
    Seen twice under full CI load on 2026-12-03, never alone (16 runs); the reload tells the next one apart."""
    empty = page.get_by_text("No exception matches these filters.")
    try:
        expect(empty).to_be_visible()
    except AssertionError:
        page.reload()
        settle(page)
        try:
            expect(empty).to_be_visible(timeout=60_000)
            after = "empty: the page had read the lake from before the edit"
        except AssertionError:
            after = "the same: the edit did not reach the queue"
        raise AssertionError(f"X2 was still listed after the edit; after a reload the queue was {after}") from None


def test_ops_resolves_an_exception_and_the_figures_follow(page: Page, own_console, shoot):
    url, _ = own_console
    login(page, url + SCOPE, "ops")
    expect(metric(page, "Manual intervention")).to_have_text("20.0%")
    nav(page, "Exception queue")
    assert grid_rows(page, 1) == 1 and "X2" in grid_text(page, 1)
    shoot(page, "ops-queue-before")

    resolve_in_queue(page, "X2", "buyer paid by bank transfer")
    expect(page.get_by_text("1 exception(s) updated.")).to_be_visible()
    shoot(page, "ops-queue-after")
    _expect_the_queue_empty(page)  # X2 left the open queue
    assert page.locator('[data-testid="stDataFrame"]').filter(has_text="X2").count() == 0
    assert_no_error(page)
    nav(page, "Overview")
    expect(metric(page, "Manual intervention")).to_have_text("40.0%")
    nav(page, "Manual intervention")
    expect(metric(page, "Manual intervention")).to_have_text("40.0%")
    nav(page, "Audit trail")
    audit = grid_text(page, 0)
    assert "test.ops" in audit and "resolve" in audit and "X2" in audit
    assert_no_error(page)


@pytest.mark.parametrize(("role", "phone"), [("viewer", "138****1234"), ("ops", "13800001234"),
                                             ("admin", "13800001234")])
def test_phones_are_masked_for_viewers_only(page: Page, console_url: str, role: str, phone: str):
    login(page, console_url + SCOPE, role)
    nav(page, "Order detail")
    page.get_by_role("textbox", name="Order id").fill("OH-B")
    page.keyboard.press("Enter")
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="浙江")
    expect(caption).to_contain_text(phone)
    assert "13800001234" not in page.content() or role != "viewer"
