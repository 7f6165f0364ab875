"""Month-end reconciliation in a real browser: open the month, pick a finding, see its orders, download the
workbook, drill to Explore on them; the page in English and 中文 (tests/reconcile_fixture.py's March)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from models.auth import add_user
from models.db import connect
from models.reconciliation.findings import sync_findings
from models.settings import Settings
from tests import reconcile_fixture
from tests.browser.conftest import PASSWORD, USERS, login
from tests.browser.server import console
from tests.browser.ui import assert_no_error, grid_text, nav, settle

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]


@pytest.fixture
def recon_console(tmp_path: Path) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path / "data")
    reconcile_fixture.build(settings)
    sync_findings(connect(settings), settings.lake_dir, datetime.now(UTC))  # the findings as exceptions
    add_user(USERS["admin"], "admin", PASSWORD, settings)
    with console(settings.data_dir, tmp_path / "streamlit.log") as url:
        yield url


def test_month_finding_orders_export_and_drill(page: Page, recon_console: str, shoot):
    page.set_default_timeout(120_000)  # eight engineers share two cores: give a click its time
    login(page, recon_console, "admin")
    nav(page, "Reconciliation")
    expect(page.get_by_role("heading", name="Month-end reconciliation")).to_be_visible()
    totals = grid_text(page, 0)
    assert "JP¥" in totals and "US$" in totals and "Shopify" in totals
    shoot(page, "reconciliation-en")
    page.locator('[data-testid="stButtonGroup"] button').filter(has_text="Settled amount differs").click()
    expect(page.locator('[data-testid="stDataFrame"]').nth(2)).to_contain_text("-US$0.20", timeout=120_000)
    assert "US$18.69" in grid_text(page, 2)  # order M: expected 18.69, settled 0.20 short
    assert_no_error(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the month's workbook (XLSX)").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "Amount differs" in book.sheetnames and "Settled twice" in book.sheetnames

    page.get_by_role("button", name="Open these orders in Explore").click()
    expect(page.get_by_role("heading", name="Explore")).to_be_visible(timeout=60_000)
    settle(page)
    expect(page.locator('[data-testid="stDataFrame"]').last).to_contain_text("OH-M")
    assert_no_error(page)

    page.locator('[data-testid="stSidebar"]').get_by_text("中文").click()
    settle(page)
    nav(page, "对账")
    expect(page.get_by_role("heading", name="月末对账")).to_be_visible()
    assert "结算金额不符" in page.inner_text("body") and "需关注的买家" in page.inner_text("body")
    assert_no_error(page)
    shoot(page, "reconciliation-zh")
