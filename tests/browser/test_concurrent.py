"""Four people load the Overview at once while ingest keeps writing into the lake: all see their figures.

Four sessions prove what ten did (each its own Streamlit session and script thread, all rendering while the
writer adds files) at less than half the cost in CI; two of them rerun to show a rerun reads the new files."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from models import lake
from models.settings import Settings
from tests import handmade
from tests.browser.conftest import PASSWORD, USERS
from tests.browser.ui import assert_no_error, metric, nav

pytestmark = pytest.mark.browser
SESSIONS = 4
RERUNS = 2


@contextmanager
def ingest_writing(data_dir: Path, every_s: float = 0.5) -> Iterator[list[int]]:
    """A thread writing one new order (and its placed event) on 2026-03-02 every `every_s`; yields the count."""
    lake_dir, stop, written = Settings(data_dir=data_dir).lake_dir, threading.Event(), [0]
    errors: list[BaseException] = []

    def run() -> None:
        try:
            while not stop.wait(every_s):
                n = written[0]
                row = {**handmade.order_row("A"), "order_id": f"OH-N{n}", "platform_order_id": f"N{n}"}
                lake.write(lake_dir, "orders", [row])
                lake.write(lake_dir, "order_events", [{**handmade.event_rows("A")[0], "order_id": f"OH-N{n}",
                                                       "event_id": f"EV-N{n}"}])
                written[0] += 1
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield written
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not errors, errors


def sign_in(page: Page) -> None:
    """Fill and send the sign-in form of a page already opened (its load overlapping the others')."""
    page.get_by_role("textbox", name="User name").fill(USERS["viewer"])
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_four_sessions_load_the_overview_while_ingest_writes(browser: Browser, own_console):
    url, data_dir = own_console
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(SESSIONS)]
    try:
        pages = [c.new_page() for c in contexts]
        with ingest_writing(data_dir) as written:
            for page in pages:  # every session loads the app at once; then each signs in: they render side by side
                page.goto(f"{url}/?from=2026-03-02&to=2026-03-02", wait_until="commit")
            for page in pages:
                sign_in(page)
            for page in pages:
                expect(metric(page, "Orders")).to_have_text(re.compile(r"^\d+$"), timeout=90_000)
                assert int(metric(page, "Orders").inner_text()) >= 5  # the hand-made five, plus new ones
                expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=60_000)
                assert_no_error(page)
            for page in pages[:RERUNS]:  # a rerun (here: going to another page and back) reads the new files
                before = int(metric(page, "Orders").inner_text())
                nav(page, "Manual intervention")
                nav(page, "Overview")
                expect(metric(page, "Orders")).to_have_text(re.compile(r"^\d+$"))
                assert int(metric(page, "Orders").inner_text()) > before
                assert_no_error(page)
        assert written[0] >= 4, "the writer barely ran: the test did not overlap reads with writes"
    finally:
        for c in contexts:
            c.close()
