"""AppTest of the Reconciliation page over the hand-made month of tests/reconcile_fixture.py."""

from __future__ import annotations

import json

import pytest

from models import lake
from models.db import connect
from models.settings import Settings
from tests import reconcile_fixture as fx
from tests.pages.helpers import open_app, shown
from ui import tables

PAGE = "pages/reconciliation.py"


@pytest.fixture
def month(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir)
    fx.build(settings)
    return settings


def test_month_totals_findings_and_masked_buyers(month):
    at = open_app(page=PAGE, role="viewer", recon_month="2026-03")
    assert not at.exception, at.exception
    totals, summary, orders, buyers = (d.value for d in at.dataframe)  # in page order
    assert sorted(totals["Currency"]) == ["JPY", "USD"] and sorted(totals["Orders"]) == [16, 19]
    formats = json.loads(at.dataframe[0].proto.columns)  # counts as 16,359, not 16359 (money is text already)
    assert formats["Orders"]["type_config"]["format"] == "localized" and "Paid" not in formats
    assert len(summary) == 7
    assert list(orders["Platform order"]) == ["D"] and list(orders["Amount"]) == ["JP¥5,800"]  # first: shipped twice
    assert list(buyers["Buyer"]) == ["b-****al"]  # b-serial, masked for a viewer
    assert not at.get("form")  # a viewer cannot close the month


def test_admin_closes_the_month(month):
    at = open_app(page=PAGE, role="admin", recon_month="2026-03", recon_finding="settlement_mismatch")
    orders = at.dataframe[2].value
    assert list(orders["Amount"]) == ["-US$0.20"] and list(orders["Expected net"]) == ["US$18.69"]
    assert list(at.dataframe[3].value["Buyer"]) == ["b-serial"]
    at.text_input(key="recon_close_note").input("agreed with finance")
    next(b for b in at.button if b.label == "Close 2026-03").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "2026-03 closed: its figures are frozen."
    db = connect(month)
    closed = db.sql("select count(distinct currency), any_value(closed_by) from recon_closes").fetchone()
    assert closed == (2, "test.admin")
    at.run()
    assert any("Closed by test.admin" in shown(c.value) and "agreed with finance" in shown(c.value) for c in at.caption)
    assert any("Nothing changed" in c.value for c in at.caption)


def test_a_large_finding_lists_its_first_orders_and_says_how_many(month, monkeypatch):
    """Three more paid orders past their ship-by date, never shipped: 'not shipped' then holds 5 on today's
    clock (OH-U, OH-U2 whose ship-by passed on 04-01, and these); with a page of 2 the page lists the first 2
    (by channel, shop, time: the two Shopee ones) and says 'the first 2 of 5'."""
    lake.write(month.lake_dir, "orders", [{
        "order_id": f"OH-LATE{i}", "channel": "shopify", "shop_id": "us1", "platform_order_id": f"LATE{i}",
        "status": "to_ship", "currency": "USD", "total_cents": 1000 + i, "buyer_id": f"b-late{i}",
        "placed_at": fx.day(4 + i), "paid_at": fx.day(4 + i), "ship_by_at": fx.day(5 + i),
        "updated_at": fx.day(4 + i), "ingested_at": fx.day(4 + i)} for i in range(3)])
    monkeypatch.setattr(tables, "PAGE_ROWS", 2)
    at = open_app(page=PAGE, role="viewer", recon_month="2026-03", recon_finding="unshipped")
    assert not at.exception, at.exception
    summary, orders = at.dataframe[1].value, at.dataframe[2].value
    assert list(orders["Platform order"]) == ["U", "U2"]
    assert any("the first 2 of 5" in c.value for c in at.caption), [c.value for c in at.caption]
    every = f"all {int(summary['Orders'].sum()):,} orders behind the findings"  # the workbook's, as the table adds up
    assert any(every in c.value for c in at.caption)
