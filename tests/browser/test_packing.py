"""The packing station in a real browser: ten parcels scanned with the keyboard only (code typed, Enter),
among them a cancelled, a held and an unknown one; the lake then holds exactly the seven packed events.

Lake: tests/packing/fixture.py (P1–P8) plus Q01–Q02, allocated at Suzhou. Mode 'Packed' (the default).
Confirmed: P1 (scanned by tracking SF001), P2, P6 (Hefei), P7 (picked), P8 (by platform id PLAT-8), Q01, Q02 = 7.
Refused: P3 cancelled, P4 on hold (manual review), NOPE-404 unknown: no event for them.
Every kind of scan and verdict is there, and a refusal sits between confirmations in both halves (the focus
and the next scan survive it); twelve more plain confirmations (as there were) proved nothing new.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from models import lake
from models.db import connect
from models.settings import Settings
from tests.browser.conftest import browser_data, login
from tests.browser.server import console
from tests.browser.ui import assert_no_error, nav, settle
from tests.packing import fixture as pf

pytestmark = pytest.mark.browser
EXTRA = ["Q01", "Q02"]
OK = {"SF001": "OH-P1", "OH-P2": "OH-P2", "OH-P6": "OH-P6", "OH-P7": "OH-P7", "PLAT-8": "OH-P8",
      **{f"OH-{q}": f"OH-{q}" for q in EXTRA}}
REFUSED = {"OH-P3": "STOP — order OH-P3 is Cancelled: do not ship it.",
           "OH-P4": "STOP — order OH-P4 is on hold (Manual review (risk))",
           "NOPE-404": "NOPE-404: no such order, or not in your access."}
SCANS = ["SF001", "OH-P2", "OH-P3", "OH-Q01", "OH-P4", "OH-P6", "OH-P7", "OH-Q02", "NOPE-404", "PLAT-8"]


@pytest.fixture
def packing_console(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    settings = Settings(data_dir=browser_data(tmp_path / "data"))
    pf.build(settings.lake_dir)
    for q in EXTRA:
        pf.ORDERS[q] = ("Suzhou", "allocated", 11, [("A", 1, False)], {})
    try:
        lake.write(settings.lake_dir, "orders", [pf.order_row(q) for q in EXTRA])
        lake.write(settings.lake_dir, "order_lines", [r for q in EXTRA for r in pf.line_rows(q)])
    finally:
        for q in EXTRA:
            del pf.ORDERS[q]
    with console(settings.data_dir, tmp_path / "streamlit.log") as url:
        yield url, settings


def scan(page: Page, code: str) -> None:
    """What a keyboard-wedge scanner does: type the code into whatever has focus, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    settle(page)


def test_ten_parcels_scanned_by_keyboard_only(page: Page, packing_console, shoot):
    url, settings = packing_console
    assert len(SCANS) == 10 and set(SCANS) == set(OK) | set(REFUSED)
    login(page, url, "ops")
    nav(page, "Packing station")
    page.get_by_role("textbox", name="Scan order id or tracking number, then Enter").focus()
    for code in SCANS:
        scan(page, code)
        if code in OK:
            message = f"{code}: Packed confirmed for order {OK[code]}."
            expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_have_text(message)
        else:
            expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text(REFUSED[code])
        if code == "OH-P4":
            shoot(page, "packing-held")
    shoot(page, "packing-en")
    got = connect(settings).con.execute(
        "select order_id, event, actor, ref from lake_order_events where source = 'console' order by order_id"
    ).fetchall()
    assert got == sorted((oid, "packed", "test.ops", code) for code, oid in OK.items())
    actions = connect(settings).con.execute("select count(*) from actions where action = 'scan_packed'").fetchone()
    assert actions == (7,)


def test_the_page_in_chinese_and_the_pick_list(page: Page, packing_console, shoot):
    url, _ = packing_console
    login(page, url, "ops")
    nav(page, "Packing station")
    page.get_by_role("textbox", name="Scan order id or tracking number, then Enter").focus()
    scan(page, "OH-P1")
    assert_no_error(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("中文").click()
    settle(page)
    expect(page.locator("h1").first).to_have_text("打包台")
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("已确认已打包")
    expect(page.get_by_role("radio", name="已打包")).to_be_checked()  # the mode survives the language switch
    page.get_by_text("已交承运商", exact=True).click()  # the mode chosen in 中文 is the one scans confirm
    settle(page)
    page.get_by_role("textbox", name="扫描订单号或运单号，然后按回车").focus()
    scan(page, "OH-P1")
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("已确认已交承运商")
    shoot(page, "packing-zh")
    page.get_by_role("tab", name="拣货单").click()
    settle(page)
    expect(page.get_by_text("按 SKU 排序：数据中尚无库位信息。")).to_be_visible()
    shoot(page, "picklist-zh")
    assert_no_error(page)


def test_ops_undoes_a_wrong_scan_and_prints_a_pick_list(page: Page, packing_console):
    url, settings = packing_console
    login(page, url, "ops")
    nav(page, "Packing station")
    page.get_by_role("textbox", name="Scan order id or tracking number, then Enter").focus()
    scan(page, "OH-P2")
    page.get_by_text("Undo a wrong scan").click()
    page.get_by_role("textbox", name="Why (required)").fill("scanned the neighbour's parcel")
    page.get_by_role("button", name="Undo scan").click()
    settle(page)
    expect(page.locator('[data-testid="stAlertContentSuccess"]').first).to_contain_text("undone")
    con = connect(settings).con
    events = con.execute("select order_id, event, actor from lake_order_events where source = 'console' "
                         "order by occurred_at").fetchall()
    assert events == [("OH-P2", "packed", "test.ops"), ("OH-P2", "scan_undone", "test.ops")]
    assert con.execute("select stage from order_lifecycle where order_id = 'OH-P2'").fetchone() == ("allocated",)
    page.get_by_role("tab", name="Pick lists").click()
    settle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text("Warehouse", exact=True)).click()
    page.get_by_role("option", name="Suzhou").click()
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download pick list (HTML)").click()
    assert "Gift lines" in Path(download.value.path()).read_text(encoding="utf-8")
    settle(page)
    printed = connect(settings).con.execute(
        "select user, action, target_id from actions where action = 'print_pick_list'").fetchall()
    assert printed == [("test.ops", "print_pick_list", "Suzhou@all")]
    assert_no_error(page)
