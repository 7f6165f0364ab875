"""Every file the console offers for download goes through here: CSV safe to open in a spreadsheet.

    to_csv_bytes(df)   # UTF-8 with BOM, text cells that a spreadsheet would run as a formula neutralised

CSV injection (OWASP): a cell starting with = + - @ (or tab / carriage return, which some spreadsheets skip
before reading one of those) is run as a formula by Excel, LibreOffice and Google Sheets. Such a text cell,
also after leading spaces, gets a leading single quote, which spreadsheets show as text. Columns of a
numeric, boolean or date dtype need nothing: their cells are numbers written by pandas (a negative amount
stays -12.5, still a number once opened), never text a user typed.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

FORMULA_START = re.compile(r"^\s*[=+\-@\t\r]")


def neutralise(value: object) -> object:
    """A text value that would start a formula, with a leading quote; anything else unchanged."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text (object or string dtype) column's hostile cells are neutralised."""
    out = df.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])
                or pd.api.types.is_datetime64_any_dtype(out[column])):
            out[column] = out[column].map(neutralise, na_action="ignore")
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The frame as CSV bytes for download (BOM so Excel reads UTF-8 Chinese text), formula-safe."""
    frame = safe_frame(df).astype(object)
    buffer = io.StringIO()
    # The csv module with RFC 4180 line ends: then a cell holding a bare '\r' is quoted (pandas' to_csv and
    # a '\n' terminator leave it bare, and a spreadsheet starts a new row there).
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(c) for c in frame.columns])
    writer.writerows(frame.where(frame.notna(), "").itertuples(index=False, name=None))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
