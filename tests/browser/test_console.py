"""The console in a real browser, as a person uses it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.browser.ui import metric, metric_values

pytestmark = pytest.mark.browser


def test_overview_shows_figures_and_no_error(page: Page, console_url: str, shoot):
    login(page, f"{console_url}/?from=2026-03-02&to=2026-03-02", "viewer")
    expect(metric(page, "Orders")).to_have_text("5", timeout=30_000)
    values = metric_values(page)
    assert values["Orders"] == "5" and values["GMV"] == "¥572.00"
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    shoot(page, "overview")
