"""Issue #16 items 1, 2 and 7 as the people on shift meet them, in a real browser over tests/duty_fixture.py.

1. A manager signs in and, on every page, sees open/overdue exceptions and new alerts (figures from the
   fixture's docstrings: 3 + Z1 = 4 open, 2 overdue, 2 new alerts), jumps to the overdue queue (2 rows),
   acknowledges the capacity alert; an ops agent limited to Suzhou sees only their share (2, 1, 1).
2. The agent opens an order whose SLA breach closed itself when it shipped, and one still breaching: each
   names its rule as the Rules page does (id · description from rules.toml, read here) and what it read.
7. An analyst checks that figures agree: today is left out of the Overview's cards (3 complete-day orders,
   2 today so far), yesterday's open order is named beside the lead time, raised = open + resolved +
   auto-closed + dismissed, a feed 752 min behind reads stale, failed pulls agree between two pages.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from models.access import Access
from models.auth import add_user, set_access
from models.rules.config import SHIPPED_DEFAULT
from models.settings import Settings
from tests import duty_fixture
from tests.browser.conftest import ARTIFACTS, PASSWORD, USERS, login
from tests.browser.server import console
from tests.browser.ui import assert_no_error, grid_rows, grid_text, metric, nav, settle

pytestmark = pytest.mark.browser
SHIP_BY_RULE = next(r for r in tomllib.loads(Path(SHIPPED_DEFAULT).read_text())["rules"] if r["id"] == "sla-ship-by")


@pytest.fixture(scope="module")
def duty_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("duty")
    settings = Settings(data_dir=root / "data")
    duty_fixture.build(settings.lake_dir)
    duty_fixture.add_recent_days(settings.lake_dir, datetime.now(UTC))
    add_user(USERS["viewer"], "viewer", PASSWORD, settings)
    add_user(USERS["admin"], "admin", PASSWORD, settings)
    add_user(USERS["ops"], "ops", PASSWORD, settings)
    set_access(USERS["ops"], Access(warehouses=("Suzhou",)), settings)
    with console(settings.data_dir, root / "streamlit.log") as url:
        yield url


def snap(page: Page, name: str) -> None:
    """A full-page screenshot as an artifact; patient, because two shared cores may be busy with other tests."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, timeout=180_000)


# The page's last two tables, counted from the end: a table without rows above them (previous actions, often)
# is a line of text, not a grid
ORDER_GRIDS = {"order_rules": -2, "order_exceptions": -1}


def keyed_grid(page: Page, key: str, showing: str = "") -> str:
    """The visible text of one of the order page's tables, scrolled into view (the grid draws what is seen),
    once it shows `showing`: a rerun may start after `settle` looked, so the previous order is still drawn."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(ORDER_GRIDS[key])
    grid.scroll_into_view_if_needed()
    expect(grid.locator('[role="gridcell"]').first).to_be_attached()
    if showing:
        expect(grid).to_contain_text(showing)
    return grid.text_content() or ""


def banner(page: Page):
    return page.locator(".st-key-duty_banner")


def test_manager_sees_new_trouble_on_every_page_and_reaches_the_overdue_queue(page: Page, duty_console):
    login(page, duty_console, "admin")
    settle(page)
    expect(banner(page)).to_contain_text("Open exceptions: 4 · overdue: 2 · new alerts: 2")
    snap(page, "duty-overview-en")
    for name in ("Capacity", "Rules"):
        nav(page, name)
        expect(banner(page)).to_contain_text("Open exceptions: 4 · overdue: 2 · new alerts: 2")
    rule_set = page.get_by_role("textbox", name="Rule set (TOML)")  # what the Rules page holds and names
    expect(rule_set).to_have_value(re.compile(r'id = "sla-ship-by"[\s\S]*' + re.escape(SHIP_BY_RULE["description_en"])))
    banner(page).get_by_role("button", name="Show the overdue").click()
    expect(page.locator("h1").first).to_have_text("Exception queue")
    settle(page)
    expect(page.get_by_role("checkbox", name="Overdue only")).to_be_checked()
    assert grid_rows(page, 1) == 2  # X2 (OH-D) and the SLA breach on OH-S2
    assert "OH-D" in grid_text(page, 1) and "OH-S2" in grid_text(page, 1) and "OH-A" not in grid_text(page, 1)
    banner(page).get_by_text("New alerts (2)").click()
    expect(banner(page)).to_contain_text("jd/j1: the last pull failed")
    expect(banner(page).get_by_role("button", name="Acknowledge")).to_have_count(2)  # an admin may acknowledge
    assert_no_error(page)
    snap(page, "duty-banner-en")
    page.locator('[data-testid="stSidebar"]').get_by_text("中文").click()
    settle(page)
    expect(banner(page)).to_contain_text("4 个未结异常 · 2 个已超时 · 2 条新告警")
    assert not re.search(r"\bduty\.\w+", page.inner_text("body"))
    snap(page, "duty-banner-zh")


def test_agent_sees_their_share_and_exceptions_that_explain_themselves(page: Page, duty_console):
    login(page, duty_console, "ops")
    settle(page)
    expect(banner(page)).to_contain_text("Open exceptions: 2 · overdue: 1 · new alerts: 1")  # Suzhou only
    nav(page, "Order detail")
    page.get_by_role("textbox", name="Order id").fill("OH-S1")
    page.keyboard.press("Enter")
    settle(page)
    name = f"sla-ship-by · {SHIP_BY_RULE['description_en']}"
    exceptions = keyed_grid(page, "order_exceptions", showing="status=shipped")
    assert name in exceptions and "Resolved" in exceptions
    assert "status=shipped, now_at=2026-03-02 06:10, ship_by_at=2026-03-02 04:00" in exceptions
    fired = keyed_grid(page, "order_rules")
    assert name in fired and "status=allocated, now_at=2026-03-02 05:00, ship_by_at=2026-03-02 04:00" in fired
    assert_no_error(page)
    snap(page, "order-explained-en")
    page.get_by_role("textbox", name="Order id").fill("OH-S2")
    page.keyboard.press("Enter")
    settle(page)
    still = keyed_grid(page, "order_exceptions", showing="status=allocated")
    assert "Open" in still and "status=allocated, now_at=2026-03-02 05:00" in still
    page.locator('[data-testid="stSidebar"]').get_by_text("中文").click()
    settle(page)
    expect(banner(page)).to_contain_text("2 个未结异常 · 1 个已超时 · 1 条新告警")
    zh = keyed_grid(page, "order_exceptions", showing=f"sla-ship-by · {SHIP_BY_RULE['description_zh']}")
    assert "未处理" in zh and "超时" in zh  # status and type named in 中文, never "open" or "sla_breach"
    snap(page, "order-explained-zh")


def row_cells(page: Page, grid_index: int, first_cell: str) -> list[str]:
    """The cells of the row of the index-th st.dataframe whose first cell is `first_cell`."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(grid_index)
    row = grid.locator('[role="row"]').filter(has=page.locator('[role="gridcell"]', has_text=first_cell)).first
    expect(row).to_be_attached()
    return [c.strip() for c in row.locator('[role="gridcell"]').all_text_contents()]


def test_analyst_finds_figures_that_agree_or_say_why(page: Page, duty_console):
    zone = ZoneInfo("Asia/Shanghai")
    today = datetime.now(zone).date()
    login(page, duty_console, "viewer")
    settle(page)
    expect(page.get_by_text(f"Today ({today}) is not over")).to_be_visible()
    expect(page.get_by_text("Today so far: 2 orders.")).to_be_visible()  # R4, R5
    expect(metric(page, "Orders")).to_have_text("3")  # R1–R3, the complete days only
    expect(page.get_by_text(f"{today - timedelta(days=1):%m-%d}: 1")).to_be_visible()  # R3 paid, not shipped
    assert_no_error(page)
    snap(page, "figures-overview-en")

    nav(page, "Exceptions")
    expect(page.get_by_text("raised = open + resolved")).to_be_visible()
    table = page.locator('[data-testid="stDataFrame"]').count() - 1
    cells = row_cells(page, table, "All types")
    # Z1 open, Z2 resolved by a person, Z3 auto-closed, Z4 dismissed: 4 = 1 + 1 + 1 + 1 + 0
    assert cells[1:7] == ["4", "1", "1", "1", "1", "0"], cells

    nav(page, "Channels")
    assert row_cells(page, 0, "Tmall")[2] == "stale (over 1 h behind)"  # 752 min behind, last run "ok"
    assert row_cells(page, 0, "Shopee")[2] == "ok"  # 5 min behind
    expect(page.get_by_text("HTTP 503")).to_be_attached()  # jd/j1's failed pull, in the errors grid
    nav(page, "Data quality")
    expect(page.get_by_text("Failed pulls of a whole feed in these dates: 1").first).to_be_visible()
    assert_no_error(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("中文").click()
    settle(page)
    expect(page.get_by_text("同期整个店铺拉取失败：1 次").first).to_be_visible()
    nav(page, "总览")
    expect(page.get_by_text(f"今天（{today}）尚未结束")).to_be_visible()
    snap(page, "figures-overview-zh")
