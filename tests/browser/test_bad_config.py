"""Config files a person broke (bad TOML) or a lake file that rotted: the console says which file and what
to do, and every page still opens without a traceback."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from models.settings import Settings
from tests.browser.conftest import login
from tests.browser.ui import ERRORS, metric, nav, nav_names

pytestmark = pytest.mark.browser
BROKEN = ("rules.toml", "channels.toml", "status_map.toml", "email.toml", "capacity.toml")


def test_broken_config_files_and_a_corrupt_parquet_file(page: Page, own_console, shoot):
    url, data_dir = own_console
    settings = Settings(data_dir=data_dir)
    for name in BROKEN:  # the rules page falls back to the rule set in force, ingest's files are not read here
        (settings.config_dir / name).write_text("[[broken\nkey = ", encoding="utf-8")
    bad = settings.lake_dir / "orders" / "month=2026-03" / "part-zzz-corrupt.parquet"
    bad.write_bytes(b"PAR1 this is not a parquet file")
    login(page, f"{url}/?from=2026-03-02&to=2026-03-02", "admin")
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("1 lake file")
    expect(metric(page, "Orders")).to_have_text("5")  # the readable files still count
    tracebacks, errors = {}, {}
    for name in nav_names(page):
        nav(page, name)
        if page.locator('[data-testid="stException"]').count():
            tracebacks[name] = page.locator('[data-testid="stException"]').first.inner_text()[:400]
        shown = page.locator(ERRORS)
        errors[name] = " ".join(shown.nth(i).inner_text() for i in range(shown.count()))
    assert not tracebacks, tracebacks
    assert "capacity.toml: cannot read capacity" in errors["Capacity"]  # named, and the page goes on
    assert "email.toml: cannot read" in errors["Snapshot & alerts"]
    assert "part-zzz-corrupt.parquet" in errors["Data quality"]  # the unreadable lake file, named
    nav(page, "Capacity")
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    named = {"Capacity", "Snapshot & alerts", "Data quality"}
    assert not {k: v for k, v in errors.items() if v and k not in named}, errors
