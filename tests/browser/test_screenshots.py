"""The README's screenshots, taken on a realistic small demo lake (21 days × ~150 orders a day).

`make screenshots` runs this with `--screenshots-to docs/screenshots`; in `make test` it is a smoke test
of the main pages on demo-sized data (every page draws its figures with no error).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from models.auth import add_user
from models.settings import Settings
from sim.demo import generate
from tests.browser.conftest import PASSWORD, USERS, login
from tests.browser.server import console
from tests.browser.ui import assert_no_error, grid_rows, grid_text, metric, nav

pytestmark = pytest.mark.browser
CHART = ".js-plotly-plot"
NUMBER = re.compile(r"^[1-9][\d,]*$")  # a count, not 0 or –


@pytest.fixture(scope="module")
def demo_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, date]]:
    """A console over a demo lake ending yesterday (ages and overdue flags look as they would in use)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("screenshots"))
    end = datetime.now(settings.zone).date() - timedelta(days=1)
    generate(settings.lake_dir, days=21, orders_per_day=150, seed=11, end=end, config_dir=settings.config_dir)
    add_user(USERS["ops"], "ops", PASSWORD, settings)
    with console(settings.data_dir, settings.data_dir / "streamlit.log") as url:
        yield url, end


def test_readme_screenshots(page: Page, demo_console: tuple[str, date], shoot):
    url, end = demo_console
    login(page, f"{url}/?from={end - timedelta(days=6)}&to={end}", "ops")  # the demo's last week
    expect(metric(page, "Orders")).to_have_text(NUMBER)
    expect(page.locator(CHART)).to_have_count(4)
    assert_no_error(page)
    shots: dict[str, Path] = {"overview": shoot(page, "overview")}
    nav(page, "Exception queue")
    assert grid_rows(page, 1) > 0
    shots["queue"] = shoot(page, "queue")
    nav(page, "Flow efficiency")
    expect(metric(page, "Orders traced")).to_have_text(NUMBER)
    shots["flow"] = shoot(page, "flow")
    nav(page, "Capacity")
    expect(page.locator(CHART).first).to_be_visible()
    shots["capacity"] = shoot(page, "capacity")
    nav(page, "Explore")
    expect(page.locator(CHART).first).to_be_visible()
    header = grid_text(page, 0)
    assert "Day" in header and "g1" not in header, "Explore's table shows its internal column names"
    shots["explore"] = shoot(page, "explore")
    for name, path in shots.items():
        assert path.stat().st_size > 50_000, f"{name}: the screenshot is suspiciously small"
    assert_no_error(page)
