"""The month's reconciliation workbook (XLSX): totals, findings by type, one sheet per finding with its
orders, the buyers to watch (masked for roles without `view_pii`) and what changed since the month closed.

    data = workbook(db, "2026-03", scope, as_of, lang="zh", role="viewer")   # bytes of an .xlsx

Money cells are numbers in the currency's major units with its decimals as the cell format (¥ 0, US$ 0.00),
written from exact Decimals. Text cells go through models.exports.neutralise, so nothing from a platform or
a buyer id opens as a formula (CSV/XLSX injection).
"""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from models import kpis
from models.auth import mask_frame
from models.db import LakeConnection
from models.exports import neutralise
from models.i18n import label
from models.kpis import Scope
from models.money import exponent, from_minor
from models.reconciliation.close import differences, frozen, measures, month_scope
from models.reconciliation.findings import FINDINGS

MONEY = {"paid_cents", "refund_cents", "fee_cents", "expected_net_cents", "settled_cents", "difference_cents",
         "amount_cents", "at_stake_cents", "frozen_cents", "change_cents"}


def _sheet(book: Workbook, title: str, df: pd.DataFrame, lang: str, tz: str = "UTC") -> Worksheet:
    ws = book.create_sheet(title[:31])
    ws.append([label(f"recon.col.{c}", lang) for c in df.columns])
    for row in df.itertuples(index=False):
        values = row._asdict()
        ws.append([_cell(c, v, values.get("currency"), tz) for c, v in values.items()])
        for col, name in enumerate(df.columns, start=1):
            if name in MONEY:
                ws.cell(ws.max_row, col).number_format = "#,##0" + (
                    "." + "0" * exponent(values["currency"]) if exponent(values["currency"]) else "")
    for col in ws.columns:
        ws.column_dimensions[col[0].column_letter].width = 18
    return ws


def _cell(column: str, value: object, currency: str | None, tz: str) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if column in MONEY and currency:
        return from_minor(int(value), currency)
    if isinstance(value, pd.Timestamp):  # local wall-clock time, as the console shows it (Excel has no zones)
        return value.tz_localize(None) if value.tzinfo is None else value.tz_convert(tz).tz_localize(None)
    return neutralise(value.item() if hasattr(value, "item") else value)


def workbook(db: LakeConnection, month: str, scope: Scope, as_of: datetime, lang: str = "en",
             role: str | None = None) -> bytes:
    """The workbook of one month under the scope's filters, in the reader's language."""
    month_in = month_scope(month, scope)
    book = Workbook()
    book.remove(book.active)
    _sheet(book, label("recon.sheet.totals", lang), kpis.run(db, "recon_totals", month_in, as_of), lang)
    summary = kpis.run(db, "recon_findings_summary", month_in, as_of)
    _sheet(book, label("recon.sheet.findings", lang), _named(summary, lang), lang)
    orders = kpis.run(db, "recon_finding_orders", month_in, as_of)
    for finding in FINDINGS:
        part = orders[orders["finding"] == finding].drop(columns=["finding"])
        _sheet(book, label(f"recon.sheet.{finding}", lang), part, lang, db.settings.timezone)
    buyers = mask_frame(kpis.run(db, "recon_buyers", month_in, as_of), role)
    _sheet(book, label("recon.sheet.buyers", lang), buyers, lang)
    changed = differences(measures(db, month, scope, as_of), frozen(db, month, scope))
    _sheet(book, label("recon.sheet.changes", lang), _named(changed, lang), lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measure_label(measure: str, lang: str) -> str:
    """'paid' → Paid; 'finding.unsettled' → the finding's exception label."""
    kind, _, finding = measure.partition(".")
    return label(f"exc.recon_{finding}", lang) if finding else label(f"recon.measure.{kind}", lang)


def _named(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Finding types and frozen measures in the reader's words."""
    out = df.copy()
    if "finding" in out:
        out["finding"] = [label(f"exc.recon_{f}", lang) for f in out["finding"]]
    if "measure" in out:
        out["measure"] = [measure_label(m, lang) for m in out["measure"]]
    return out
