"""The month's reconciliation workbook (XLSX): totals, findings by type, one sheet per finding with its
orders, the buyers to watch (masked for roles without `view_pii`) and what changed since the month closed.

    data = workbook(db, "2026-03", scope, as_of, lang="zh", role="viewer")   # bytes of an .xlsx

Money cells are numbers in the currency's major units with its decimals as the cell format (¥ 0, US$ 0.00),
converted from exact Decimals. Text cells go through models.exports.neutralise, so nothing from a platform
or a buyer id opens as a formula (CSV/XLSX injection).

A month of a large shop can hold hundreds of thousands of orders behind one finding (every order is
"not settled" until the payout report is imported), so the book is written with XlsxWriter row by row in
constant memory, values converted a column at a time, and a sheet that reaches Excel's row limit goes on
in "<name> (2)": nothing is cut.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import xlsxwriter

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
EXCEL_ROWS = 1_048_576  # rows in one Excel sheet, its header's included
TITLE_CHARS = 31  # Excel's longest sheet name
WIDTH = 18
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
CHUNK = 50_000


def workbook(db: LakeConnection, month: str, scope: Scope, as_of: datetime, lang: str = "en",
             role: str | None = None, sheet_rows: int = EXCEL_ROWS) -> bytes:
    """The workbook of one month under the scope's filters, in the reader's language."""
    month_in = month_scope(month, scope)
    out = io.BytesIO()
    book = _Book(xlsxwriter.Workbook(out, {"constant_memory": True}), lang, db.settings.timezone, sheet_rows)
    book.table("recon.sheet.totals", kpis.run(db, "recon_totals", month_in, as_of))
    book.table("recon.sheet.findings", _named(kpis.run(db, "recon_findings_summary", month_in, as_of), lang))
    orders = kpis.run(db, "recon_finding_orders", month_in, as_of, extra={"finding": None, "row_limit": None})
    for finding in FINDINGS:
        book.table(f"recon.sheet.{finding}", orders[orders["finding"] == finding].drop(columns=["finding"]))
    del orders
    book.table("recon.sheet.buyers", mask_frame(kpis.run(db, "recon_buyers", month_in, as_of), role))
    changed = differences(measures(db, month, scope, as_of), frozen(db, month, scope))
    book.table("recon.sheet.changes", _named(changed, lang))
    book.close()
    return out.getvalue()


def sheet_titles(title: str, rows: int, sheet_rows: int = EXCEL_ROWS) -> list[str]:
    """The sheets `rows` data rows take: 'Not settled', 'Not settled (2)', … (at least one, for the header)."""
    count = max(1, -(-rows // (sheet_rows - 1)))
    return [title[:TITLE_CHARS]] + [f"{title[:TITLE_CHARS - 3 - len(str(n))]} ({n})" for n in range(2, count + 1)]


class _Book:
    """An XlsxWriter workbook that takes whole tables, with one cell format per currency."""

    def __init__(self, book: xlsxwriter.Workbook, lang: str, tz: str, sheet_rows: int) -> None:
        self.book, self.lang, self.tz, self.sheet_rows = book, lang, tz, sheet_rows
        self.time = book.add_format({"num_format": TIME_FORMAT})
        self.money: dict[int, Any] = {}

    def table(self, title_key: str, df: pd.DataFrame) -> None:
        """One table on as many sheets as Excel's row limit needs, each with the header row."""
        header = [label(f"recon.col.{c}", self.lang) for c in df.columns]
        rows = _rows(df, self.tz)
        for name in sheet_titles(label(title_key, self.lang), len(df), self.sheet_rows):
            ws = self.book.add_worksheet(name)
            ws.set_column(0, max(len(header) - 1, 0), WIDTH)
            ws.write_row(0, 0, header)
            for r, row in zip(range(1, self.sheet_rows), rows, strict=False):
                for c, value in enumerate(row):
                    self._write(ws, r, c, value)

    def _write(self, ws: Any, r: int, c: int, value: object) -> None:
        if value is None:
            return
        if isinstance(value, Decimal):  # money: its currency's decimals as the format
            places = -value.as_tuple().exponent if value.as_tuple().exponent < 0 else 0
            ws.write_number(r, c, float(value), self._money(places))
        elif isinstance(value, datetime):
            ws.write_datetime(r, c, value, self.time)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, int | float):
            ws.write_number(r, c, value)
        else:
            ws.write_string(r, c, str(value))

    def _money(self, places: int) -> Any:
        if places not in self.money:
            self.money[places] = self.book.add_format({"num_format": "#,##0" + ("." + "0" * places if places else "")})
        return self.money[places]

    def close(self) -> None:
        self.book.close()


def _rows(df: pd.DataFrame, tz: str) -> Iterator[tuple[object, ...]]:
    """The table's rows as cell values, converted a column at a time, CHUNK rows at once (a few hundred
    thousand rows as Python objects would cost more memory than the whole frame)."""
    for start in range(0, len(df), CHUNK):
        part = df.iloc[start:start + CHUNK]
        currencies = list(part["currency"]) if "currency" in part else [None] * len(part)
        yield from zip(*(_column(part[c], c, currencies, tz) for c in part.columns), strict=True)


def _column(values: pd.Series, name: str, currencies: list[str | None], tz: str) -> list[object]:
    if name in MONEY:  # exact major units, with as many decimals as the currency has
        return [None if pd.isna(v) else _major(int(v), c) for v, c in zip(values, currencies, strict=True)]
    if isinstance(values.dtype, pd.DatetimeTZDtype):  # local wall-clock time, as the console shows it
        values = values.dt.tz_convert(tz).dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(values):
        return [None if pd.isna(v) else v.to_pydatetime() for v in values]
    return [None if v is None or (not isinstance(v, str) and pd.isna(v))
            else neutralise(v.item() if hasattr(v, "item") else v) for v in values]


def _major(cents: int, currency: str | None) -> object:
    if not currency:
        return cents
    return from_minor(cents, currency).quantize(Decimal(1).scaleb(-exponent(currency)))


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
