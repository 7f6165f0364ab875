"""Every file the console offers for download goes through here: CSV safe to open in a spreadsheet.

    to_csv_bytes(df)   # UTF-8 with BOM, text cells that a spreadsheet would run as a formula neutralised

CSV injection (OWASP): a cell starting with = + - @ (or tab / carriage return, which some spreadsheets skip
before reading one of those) is run as a formula by Excel, LibreOffice and Google Sheets. Such a text cell,
also after leading spaces, gets a leading single quote, which spreadsheets show as text. Columns of a
numeric, boolean or date dtype need nothing: their cells are numbers written by pandas (a negative amount
stays -12.5, still a number once opened), never text a user typed.
"""

from __future__ import annotations

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
    buffer = io.StringIO()
    safe_frame(df).to_csv(buffer, index=False)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
