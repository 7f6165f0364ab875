"""Nobody sees data without signing in, even by a deep link to a page on a console just started.

Regression: with a `pages/` folder beside app.py, Streamlit ran `/channels` as that file alone until some
session had called st.navigation, so the first visitor after a restart skipped the login gate.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.server import ROOT

pytestmark = pytest.mark.browser
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


def test_deep_links_on_a_fresh_console_ask_for_the_login(page: Page, own_console):
    url, _ = own_console  # nobody has signed in on this server yet
    assert len(PAGES) >= 15
    for name in PAGES:
        page.goto(f"{url}/{name}?from=2026-03-02&to=2026-03-02")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        page.wait_for_timeout(500)  # a page run directly would have drawn by now
        assert page.locator('[data-testid="stMetric"], [data-testid="stDataFrame"], .js-plotly-plot').count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0, f"/{name} lists the page files"
