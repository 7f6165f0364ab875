"""The hand-made month of tests/reconcile_fixture.py gives exactly the findings and amounts worked out here."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from models import kpis, lake
from models.db import connect
from models.kpis import Scope
from models.reconciliation.close import close_month, differences, frozen, measures
from models.reconciliation.config import load_recon_config, parse_recon_config
from models.reconciliation.findings import sync_findings
from models.reconciliation.workbook import EXCEL_ROWS, sheet_titles, workbook
from models.rules.apply import apply_rules
from models.rules.store import check
from models.settings import ConfigError, Settings
from tests import reconcile_fixture as fx

MARCH = Scope(date(2026, 3, 1), date(2026, 3, 31))
EVERY_FINDING = {"finding": None, "row_limit": None}  # recon_finding_orders as the workbook runs it

# Worked out by hand in the fixture's comments: (finding, order) → amount at stake in minor units.
EXPECTED = {
    ("double_shipped", "OH-D"): 5800,           # ¥5,800 paid, two tracking numbers
    ("refund_not_returned", "OH-R"): 1000,      # US$10.00 refunded, goods not back
    ("returned_not_refunded", "OH-W"): 3000,    # ¥3,000 back, no refund
    ("settled_twice", "OH-T"): 11552,           # ¥12,000 − (408 + 40) paid a second time
    ("settlement_mismatch", "OH-M"): -20,       # expected 1999 − 130 = 1869, settled 1999 − 150 = 1849
    ("unsettled", "OH-N"): 3770,                # US$40.00 − (200 + 30), delivered 03-15, 10-day delay passed
    ("unshipped", "OH-U"): 2500,                # US$25.00 paid, ship-by 03-12, never shipped
}


@pytest.fixture
def month(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir)
    fx.build(settings)
    return settings


def test_the_month_gives_exactly_the_planted_findings(month):
    db = connect(month)
    rows = kpis.run(db, "recon_finding_orders", MARCH, fx.AS_OF, extra=EVERY_FINDING)
    got = {(r.finding, r.order_id): int(r.amount_cents) for r in rows.itertuples()}
    assert got == EXPECTED
    summary = kpis.run(db, "recon_findings_summary", MARCH, fx.AS_OF)
    by_type = {(r.finding, r.currency): (r.orders, int(r.amount_cents), int(r.at_stake_cents))
               for r in summary.itertuples()}
    assert by_type[("settlement_mismatch", "USD")] == (1, -20, 20)
    assert by_type[("settled_twice", "JPY")] == (1, 11552, 11552)
    assert len(by_type) == 7


def test_february_finding_stays_in_february(month):
    db = connect(month)
    feb = kpis.run(db, "recon_finding_orders", Scope(date(2026, 2, 1), date(2026, 2, 28)), fx.AS_OF,
                    extra=EVERY_FINDING)
    assert list(zip(feb["finding"], feb["order_id"], feb["amount_cents"], strict=True)) == [("unshipped", "OH-F", 999)]


def test_totals_expected_vs_settled_per_channel_and_currency(month):
    usd_fees = sum(fx.clean_fee("shopee", c) for c in fx.CLEAN_USD) + 155 + 155 + 230 + 230 + 130 + 130
    usd_paid = sum(fx.CLEAN_USD) + 2500 + 2500 + 4000 + 4000 + 1999 + 3000  # X never paid
    usd_settled = sum(c - fx.clean_fee("shopee", c) for c in fx.CLEAN_USD) + 1849 + 1870
    jpy_fees = sum(fx.clean_fee("shopify", c) for c in fx.CLEAN_JPY) + 237 + 448 + 108 + 142
    jpy_paid = sum(fx.CLEAN_JPY) + 5800 + 12000 + 2000 + 3000
    jpy_settled = sum(c - fx.clean_fee("shopify", c) for c in fx.CLEAN_JPY) + 5563 + 23104 + 1891 + 2858
    assert usd_paid == 39041 and jpy_paid == 73500  # the clean lists add up as written in the fixture
    totals = kpis.run(connect(month), "recon_totals", MARCH, fx.AS_OF).set_index("currency")
    usd, jpy = totals.loc["USD"], totals.loc["JPY"]
    assert (usd.orders, usd.paid_cents, usd.refund_cents, usd.fee_cents) == (19, 39041, 1000, usd_fees)
    assert (usd.expected_net_cents, usd.settled_cents) == (39041 - 1000 - usd_fees, usd_settled)
    assert (jpy.orders, jpy.paid_cents, jpy.refund_cents, jpy.fee_cents) == (16, 73500, 0, jpy_fees)
    assert (jpy.expected_net_cents, jpy.settled_cents) == (73500 - jpy_fees, jpy_settled)
    assert jpy.difference_cents == 11552 - 1  # settled twice, and the yen within tolerance


def test_findings_are_exceptions_that_close_when_the_condition_goes(month):
    db = connect(month)
    first = sync_findings(db, month.lake_dir, fx.AS_OF)
    assert (first.found, first.raised, first.cleared) == (8, 8, 0)  # the seven of March and February's
    again = sync_findings(connect(month), month.lake_dir, fx.AS_OF)
    assert (again.raised, again.cleared) == (0, 0)
    # N's payout arrives exactly: its finding no longer holds and its exception closes on the next sync
    lake.write(month.lake_dir, "settlements", [
        {"settlement_id": "late-N", "channel": "shopee", "shop_id": "sg1",
         "platform_order_id": "N", "order_id": "OH-N", "line_type": "sale", "amount_cents": 3770, "currency": "USD",
         "settled_at": fx.AS_OF, "report": "test", "ingested_at": fx.AS_OF}])
    after = sync_findings(connect(month), month.lake_dir, fx.AS_OF)
    assert (after.found, after.raised, after.cleared) == (7, 0, 1)
    db = connect(month)
    states = dict(db.sql("select type || ':' || order_id, status from exceptions where source = 'reconciliation'")
                  .fetchall())
    assert states["recon_unsettled:OH-N"] == "resolved"
    assert states["recon_settled_twice:OH-T"] == "open" and len(states) == 8


def test_buyers_with_returns_and_refunds(month):
    buyers = kpis.run(connect(month), "recon_buyers", MARCH, fx.AS_OF)  # [buyers] min_events = 2 in the fixture
    assert buyers[["buyer_id", "returns", "refunds", "complaints"]].values.tolist() == [["b-serial", 1, 1, 0]]


def test_fee_config_is_validated_with_file_and_key(tmp_path):
    path = tmp_path / "reconciliation.toml"
    with pytest.raises(ConfigError, match="did you mean 'fee_percent'"):
        parse_recon_config(path, {"channel": {"shopee": {"fee_percnt": "5"}}})
    with pytest.raises(ConfigError, match=r"\[channel.shopee\] fee_percent = '-1'"):
        parse_recon_config(path, {"channel": {"shopee": {"fee_percent": "-1"}}})
    with pytest.raises(ConfigError, match="settlement_days"):
        parse_recon_config(path, {"defaults": {"settlement_days": 1.5}})
    with pytest.raises(ConfigError, match=r"\[buyers\] 'day' is not a known key; did you mean 'days'"):
        parse_recon_config(path, {"buyers": {"day": 30}})
    cfg = load_recon_config(tmp_path)  # no file: defaults
    assert cfg.fee("any").settlement_days == 14 and cfg.tolerance_minor("JPY") == 0 and cfg.tolerance_minor("USD") == 1


def test_a_bad_fee_file_is_reported_and_the_views_still_open(data_dir):
    settings = Settings(data_dir=data_dir)
    settings.config_dir.mkdir(parents=True)
    (settings.config_dir / "reconciliation.toml").write_text('[channel.shopee]\nfee_percent = "x"\n')
    db = connect(settings)
    assert any("reconciliation.toml" in p and "fee_percent" in p for p in db.problems)
    assert db.sql("select count(*) from recon_orders").fetchone()[0] == 0


class Admin:
    name, role = "fin.admin", "admin"

    def can(self, action: str) -> bool:
        from models.auth import can

        return can(self.role, action)


class Viewer(Admin):
    name, role = "look.only", "viewer"


def test_closing_freezes_the_month_and_later_changes_show_as_differences(month):
    db = connect(month)
    with pytest.raises(PermissionError):
        close_month(db, month.lake_dir, Viewer(), "2026-03", MARCH, "looks fine")
    rows = close_month(db, month.lake_dir, Admin(), "2026-03", MARCH, "agreed with finance", now=fx.AS_OF)
    frozen_jpy = {r["measure"]: (r["orders"], r["amount_cents"]) for r in rows if r["currency"] == "JPY"}
    assert frozen_jpy["paid"] == (16, 73500) and frozen_jpy["finding.settled_twice"] == (1, 11552)
    db = connect(month)
    assert differences(measures(db, "2026-03", MARCH, fx.AS_OF), frozen(db, "2026-03", MARCH)).empty
    # N's payout arrives after the close: settled +3770 and the unsettled finding (3770) is gone
    lake.write(month.lake_dir, "settlements", [
        {"settlement_id": "late-N", "channel": "shopee", "shop_id": "sg1", "platform_order_id": "N",
         "order_id": "OH-N", "line_type": "sale", "amount_cents": 3770, "currency": "USD",
         "settled_at": fx.AS_OF, "report": "test", "ingested_at": fx.AS_OF}])
    db = connect(month)
    changed = differences(measures(db, "2026-03", MARCH, fx.AS_OF), frozen(db, "2026-03", MARCH))
    got = {r.measure: (r.frozen_cents, r.amount_cents, r.change_cents) for r in changed.itertuples()}
    assert got == {"settled": (got["settled"][0], got["settled"][0] + 3770, 3770),
                   "finding.unsettled": (3770, 0, -3770)}
    assert db.sql("select count(*) from actions where action = 'close_month' and reason = 'agreed with finance'"
                  ).fetchone()[0] == 1


def test_workbook_one_sheet_per_finding_exact_amounts_and_formula_safe(month):
    lake.write(month.lake_dir, "orders", [{
        "order_id": "OH-EVIL", "channel": "shopee", "shop_id": "sg1", "platform_order_id": "=1+1", "status": "to_ship",
        "currency": "USD", "total_cents": 100, "buyer_id": "=cmd|' /C calc'!A0", "placed_at": fx.day(2),
        "paid_at": fx.day(2), "ship_by_at": fx.day(3), "updated_at": fx.day(2), "ingested_at": fx.day(2)}])
    book = openpyxl.load_workbook(io.BytesIO(workbook(connect(month), "2026-03", MARCH, fx.AS_OF, "zh", "viewer")))
    assert book.sheetnames == ["汇总", "差异汇总", "漏发", "重复发货", "未结算", "重复结算", "金额不符", "退款未退货",
                               "退货未退款", "买家", "结账后变化"]
    mismatch = book["金额不符"]
    header = [c.value for c in mismatch[1]]
    amount = mismatch.cell(2, header.index("金额") + 1)
    assert amount.value == -0.2 and amount.number_format == "#,##0.00"  # written from Decimal("-0.20")
    twice = book["重复结算"]
    cell = twice.cell(2, [c.value for c in twice[1]].index("金额") + 1)
    assert cell.value == 11552 and cell.number_format == "#,##0"
    unshipped = [[c.value for c in row] for row in book["漏发"].iter_rows(min_row=2)]
    assert any("'=1+1" in row for row in unshipped)  # a text cell never opens as a formula


def test_a_sheet_full_to_excels_row_limit_goes_on_in_the_next(month):
    """With room for one data row a sheet: the two totals rows (JPY and USD) take 'Totals' and 'Totals (2)',
    each under the header; the seven finding types take seven 'Findings' sheets; nothing is cut."""
    book = openpyxl.load_workbook(io.BytesIO(workbook(connect(month), "2026-03", MARCH, fx.AS_OF, "en",
                                                      sheet_rows=2)))
    assert [n for n in book.sheetnames if n.startswith("Totals")] == ["Totals", "Totals (2)"]
    assert [n for n in book.sheetnames if n.startswith("Findings")] == ["Findings"] + [
        f"Findings ({n})" for n in range(2, 8)]
    sheets = [[[c.value for c in row] for row in book[name].iter_rows()] for name in ("Totals", "Totals (2)")]
    assert [len(rows) for rows in sheets] == [2, 2] and sheets[0][0] == sheets[1][0]  # header, one row
    currency = sheets[0][0].index("Currency")
    assert sorted(rows[1][currency] for rows in sheets) == ["JPY", "USD"]


def test_continued_sheet_names_stay_within_excels_31_characters():
    assert sheet_titles("Not settled", 0) == ["Not settled"]  # an empty table keeps its header sheet
    assert sheet_titles("x" * 40, 3, sheet_rows=2) == ["x" * 31, "x" * 27 + " (2)", "x" * 27 + " (3)"]
    assert sheet_titles("Not settled", EXCEL_ROWS - 1) == ["Not settled"]
    assert sheet_titles("Not settled", EXCEL_ROWS) == ["Not settled", "Not settled (2)"]


def test_buyer_history_is_a_rule_feature(month):
    """A rule on returns + refunds in 90 days fires on the serial buyer's open orders only (U2 is another's)."""
    rules = check('[[rules]]\nid = "watch"\nkind = "interception"\n'
                  'when = "buyer_returns_90d + buyer_refunds_90d + buyer_complaints_90d >= 2"\n'
                  'exception = "manual_review"\n')
    outcome = apply_rules(connect(month), None, rules, now=fx.AS_OF, scoped=False)
    assert sorted(outcome.fired["order_id"]) == ["OH-F", "OH-R", "OH-W"]
