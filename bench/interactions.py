"""`python -m bench.interactions`: the console's interactions timed as a person meets them (issue #16 item 9).

The real console (`streamlit run console.py`) over the demo lake that `make run` builds (90 days × 2,000
orders a day, generated once into bench/work/interactions/), driven by headless Chromium. Each interaction is
timed from the person's action (a click, Enter) until the page's script run has ended and what they asked
for is on screen; each journey runs `--runs` times in a fresh browser session and the median is reported.

    python -m bench.interactions [--runs 3] [--days 90] [--orders-per-day 2000]

Prints a Markdown table; timings belong in bench/results.md beside the "before" figures of the issue. Not a
test: wall-clock times depend on the machine and its load, so they are measured here, never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from bench.browser import CHROMIUM_ARGS, console, settle
from models.auth import add_user
from models.db import connect
from models.settings import Settings
from sim.demo import generate, settlements

WORK = Path(__file__).parent / "work" / "interactions"
USER, PASSWORD = "bench.admin", "bench-interactions-1"  # a user of the bench's own data dir only
SIDEBAR = '[data-testid="stSidebar"]'


def demo_lake(days: int, orders_per_day: int) -> Settings:
    """The demo lake of `make run` (`python -m ingest demo`, ending yesterday), generated once per size."""
    settings = Settings(data_dir=WORK / f"{days}d-{orders_per_day}")
    ready = settings.data_dir / "READY"
    if not ready.exists():
        shutil.rmtree(settings.data_dir, ignore_errors=True)
        end = datetime.now(settings.zone).date() - timedelta(days=1)
        summary = generate(settings.lake_dir, days=days, orders_per_day=orders_per_day, end=end,
                           progress=lambda m: print(m, flush=True), config_dir=settings.config_dir)
        settlements.raise_findings(settings, summary.end)  # as `python -m ingest demo` does
        add_user(USER, "admin", PASSWORD, settings)
        ready.write_text(str(end))
    return settings


def journey(page: Page, url: str, order_id: str) -> dict[str, float]:
    """One person's session: sign in, Snapshot & alerts, switch language, resolve an exception, drill from a
    chart to Explore, look an order up. Returns seconds per interaction."""
    out: dict[str, float] = {}

    def clock(name: str, action: Callable[[], None], done: Callable[[], None]) -> None:
        start = time.perf_counter()
        action()
        settle(page, timeout_ms=180_000)
        done()
        out[name] = time.perf_counter() - start

    def nav(name: str) -> Callable[[], None]:
        return lambda: page.locator('[data-testid="stSidebarNav"] a').filter(has_text=name).first.click()

    def heading(text: str) -> Callable[[], None]:
        return lambda: expect(page.locator("h1").first).to_have_text(re.compile(text, re.IGNORECASE), timeout=180_000)

    page.set_default_timeout(180_000)
    clock("open the console (sign-in form shown)", lambda: page.goto(url),
          lambda: expect(page.get_by_role("textbox", name="User name")).to_be_visible())
    page.get_by_role("textbox", name="User name").fill(USER)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    clock("first sign-in (Overview drawn)", lambda: page.get_by_role("button", name="Sign in").click(),
          lambda: expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=180_000))
    clock("Snapshot & alerts", nav("Snapshot & alerts"), heading("Snapshot"))
    clock("show the e-mail preview (on request)", lambda: page.get_by_text("Show the e-mail preview").click(),
          lambda: expect(page.locator('[data-testid="stHtml"]').first).to_be_visible())
    clock("switch to 中文", lambda: page.locator(SIDEBAR).get_by_text("中文").click(),
          lambda: expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text("总览"))
    clock("switch back to English", lambda: page.locator(SIDEBAR).get_by_text("English").click(),
          lambda: expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text("Overview"))
    clock("open the exception queue", nav("Exception queue"), heading("Exception queue"))
    clock("tick a row (its order opens beside)", lambda: _tick_first_row(page),
          lambda: expect(page.get_by_role("link", name="Open the full order")).to_be_visible())
    form = page.locator('[data-testid="stForm"]')
    form.get_by_text("Resolve", exact=True).click()
    form.get_by_role("textbox", name="Note / reason").fill("checked with the warehouse (benchmark)")
    clock("resolve an exception", lambda: form.get_by_role("button", name="Apply").click(no_wait_after=True),
          lambda: expect(page.get_by_text(re.compile(r"exception\(s\) updated"))).to_be_visible())
    clock("back to the Overview", nav("Overview"),
          lambda: expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=180_000))
    clock("drill from a bar to Explore", lambda: _click_first_bar(page), heading("Explore"))
    clock("open Order lookup", nav("Order lookup"), heading("Order lookup"))
    box = page.get_by_role("textbox", name=re.compile("^Order id, platform order id"))
    box.fill(order_id)
    clock("look an order up", lambda: box.press("Enter"),
          lambda: expect(page.locator("h2, h3").filter(has_text=order_id).first).to_be_visible())
    return out


def _tick_first_row(page: Page) -> None:
    """Tick the first row of the queue table (the grid's rows are 35 px; the tick box is in the first 30)."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(1)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box, "the queue table is not drawn"
    page.mouse.click(box["x"] + 15, box["y"] + 35 * 1.5)


def _click_first_bar(page: Page) -> None:
    """Click the middle of the first day's top bar on the Overview, as a person would (scrolled into view;
    plotly's drag layer takes the click, not the bar's path)."""
    bar = page.locator(".js-plotly-plot").first.locator(".trace.bars").last.locator(".point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box, "no bar drawn on the Overview"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def some_order(settings: Settings) -> str:
    """A recent order's internal id, as a customer would quote it."""
    con = connect(settings)
    return str(con.query("select max(order_id) as id from orders")["id"].iloc[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="sessions per journey (median reported)")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--orders-per-day", type=int, default=2000)
    args = parser.parse_args(argv)
    settings = demo_lake(args.days, args.orders_per_day)
    order_id = some_order(settings)
    runs: list[dict[str, float]] = []
    with console(settings.data_dir, settings.data_dir / "streamlit.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for i in range(args.runs):
            context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
            page = context.new_page()
            try:
                runs.append(journey(page, url, order_id))
            except Exception:
                page.screenshot(path=str(WORK / "failed.png"), full_page=True)  # what the person would see
                raise
            context.close()
            print(f"run {i + 1}: " + ", ".join(f"{k} {v:.1f} s" for k, v in runs[-1].items()), flush=True)
        browser.close()
    load = os.getloadavg()[0]
    print(f"\n{args.days} days × {args.orders_per_day:,} orders a day; {args.runs} sessions; "
          f"load average (1 min) at the end {load:.2f}\n")
    print("| interaction | median s | slowest s |\n| --- | --- | --- |")
    for name in runs[0]:
        times = [r[name] for r in runs]
        print(f"| {name} | {statistics.median(times):.1f} | {max(times):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
