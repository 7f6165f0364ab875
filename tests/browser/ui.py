"""What a person looks at in the console, as Playwright helpers shared by the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from bench.browser import settle

__all__ = ["settle"]  # shared with bench/interactions.py, kept importable from here
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def nav(page: Page, name: str) -> None:
    """Click a page's link in the sidebar navigation, as a person would, and wait for the run to end."""
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=name).first
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if not link.is_visible() and more.count() and "more" in more.inner_text():
        more.click()  # the navigation folds long lists: "View 3 more"
    link.click()
    expect(page.locator("h1").first).to_be_visible(timeout=60_000)
    settle(page)


def nav_names(page: Page) -> list[str]:
    """The page titles listed in the sidebar navigation (icon ligature text removed)."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [links.nth(i).inner_text().strip().splitlines()[-1].strip() for i in range(links.count())]


def chart(page: Page, title: str) -> Locator:
    """The plotly chart drawn with this title. Charts are drawn as their code arrives, not in page order, so a
    position (the n-th chart) can name another chart while the page is still drawing."""
    return page.locator(".js-plotly-plot").filter(has=page.locator(".gtitle", has_text=title)).first


def metric(page: Page, label: str) -> Locator:
    """The value of the st.metric with exactly this label."""
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")))
    return card.first.locator('[data-testid="stMetricValue"]')


def metric_values(page: Page) -> dict[str, str]:
    """Every metric on the page: label → shown value, read in one pass over the page (card by card, so a
    rerun redrawing the cards between two reads cannot pair one card's label with another's value)."""
    settle(page)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    pairs = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
        m.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim() ?? '',
        m.querySelector('[data-testid="stMetricValue"]')?.innerText.trim() ?? ''])""")
    return dict(pairs)


def assert_no_error(page: Page) -> None:
    """No exception box and no error alert anywhere on the page."""
    errors = page.locator(ERRORS)
    texts = [errors.nth(i).inner_text()[:300] for i in range(errors.count())]
    assert not texts, f"error shown on {page.url}: {texts}"


def grid_text(page: Page, index: int) -> str:
    """The visible text of the index-th st.dataframe (its accessible table), once it has rows."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(index)
    expect(grid.locator('[role="gridcell"]').first).to_be_attached()
    return grid.text_content() or ""


def grid_rows(page: Page, index: int) -> int:
    """Data rows of the index-th st.dataframe: rows of its accessible table with any text in a cell."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(index).locator('[role="grid"]').first
    expect(grid).to_be_attached()
    return grid.evaluate("""g => [...g.querySelectorAll('tbody [role=row]')]
        .filter(r => [...r.querySelectorAll('[role=gridcell]')].some(c => c.textContent.trim())).length""")
