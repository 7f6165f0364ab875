"""Tables as a person reads them: headers in the user's language, the console's keys (channel, status,
exception type, event, reason …) by their names, money in currency units with the currency.

    tables.table(df, key="audit_table")            # instead of st.dataframe(df, key=...)
    st.plotly_chart(ac.heatmap(tables.readable(df), ...))

Values keep their column names, so a page's own column_config (formats, widths) still applies; the header
text comes from column_config labels (`col.<column>`, else `th.<column>` in the catalogue).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from models import display
from models.display import KEY_COLUMNS
from models.i18n import CATALOGUE, label
from models.money import exponent, format_money
from ui import data, lang

PLAIN_INTEGERS = ("_id", "_no", "year", "hour", "line")  # integers that are names, not amounts: no separators

HOURS = ("_h", "_hours", "hours_left", "hours_to_clear")  # float hours: one decimal, as the cards show them
PAGE_ROWS = 500  # rows a page lists of a long list (the first or most urgent), saying how many there are


def readable(df: pd.DataFrame, lg: str | None = None) -> pd.DataFrame:
    """A copy with every key column's values named, and minor-unit money in currency units."""
    lg, out = lg or lang(), df.copy()
    for col in out.columns:
        if col in KEY_COLUMNS:
            out[col] = out[col].map(lambda v, c=col: display.value_name(c, v, lg))
    for col in [c for c in out.columns if str(c).endswith("_cents")]:
        out[col] = _money(out, col, lg)
    for col in out.columns:  # an empty text cell reads blank, not "None"
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].where(out[col].notna(), "")
    return out


def _money(df: pd.DataFrame, col: str, lg: str) -> pd.Series:
    """Per-row currency: '¥331.00' text; one reporting currency: a number in its units (sorts as a number)."""
    if "currency" in df.columns:
        return pd.Series([format_money(None if pd.isna(v) else int(v), str(c), lg)
                          for v, c in zip(df[col], df["currency"], strict=True)], index=df.index)
    return df[col] / 10 ** exponent(data.settings().reporting_currency)


def header(column: str, lg: str | None = None) -> str:
    lg = lg or lang()
    for key in (f"col.{column}", f"th.{column}"):
        if key in CATALOGUE:
            return label(key, lg)
    return column


def headers(df: pd.DataFrame, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """column_config with every column's header in the user's language; the page's own entries win, and get
    the header as their label when they have none."""
    config: dict[str, Any] = {}
    for col in map(str, df.columns):
        config[col] = header(col)
        if str(col).endswith("_cents") and "currency" not in df.columns:
            currency = data.settings().reporting_currency
            symbol = format_money(0, currency).rstrip("0.,")  # '¥', 'US$', 'RM'
            config[col] = st.column_config.NumberColumn(header(col), format=f"{symbol}%.{exponent(currency)}f")
        elif pd.api.types.is_integer_dtype(df[col]) and not col.endswith(PLAIN_INTEGERS):  # 146,535 not 146535
            config[col] = st.column_config.NumberColumn(header(col), format="localized")
        elif pd.api.types.is_float_dtype(df[col]) and col.endswith(HOURS):  # 252.5 hours, not 252.4956
            config[col] = st.column_config.NumberColumn(header(col), format="%.1f")
    for col, entry in (given or {}).items():
        if isinstance(entry, dict) and not entry.get("label"):
            entry = {**entry, "label": config.get(col, col)}
        config[col] = entry
    return config


def table(frame: pd.DataFrame | Any, key: str, column_config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """st.dataframe with readable values and headers (a Styler keeps its values; only headers change)."""
    if isinstance(frame, pd.DataFrame):
        frame = readable(frame)
        df = frame
    elif hasattr(frame, "data"):  # a pandas Styler
        df = frame.data
    else:
        frame = df = readable(pd.DataFrame(frame))
    kwargs.setdefault("hide_index", True)
    return grid(frame, key=key, column_config=headers(df, column_config), **kwargs)


def grid(frame: pd.DataFrame | Any, **kwargs: Any) -> Any:
    """st.dataframe, except that a table without rows is a line in the user's language: the grid's own
    placeholder says "empty" in English whatever the language."""
    rows = frame.data if hasattr(frame, "data") and not isinstance(frame, pd.DataFrame) else frame  # a Styler
    if len(rows) == 0:
        st.caption(label("table.no_rows", lang()))
        return None
    return st.dataframe(frame, **kwargs)


def option_name(column: str):
    """A select's format_func for options that are keys of `column` ('status', 'type', 'channel' …)."""
    return lambda value: display.value_name(column, value, lang())


def cell(row: pd.Series, field: str) -> Any:
    """One field of a record as read: a key by its name, minor-unit money as '¥331.00' in the row's currency."""
    value = row[field]
    if field.endswith("_cents") and "currency" in row.index:
        return format_money(None if pd.isna(value) else int(value), str(row["currency"]), lang())
    return display.value_name(field, value, lang())


def money_scale(column: str) -> float:
    """What to divide a column by to draw it in currency units (1 unless it holds minor units)."""
    return 10 ** exponent(data.settings().reporting_currency) if column.endswith("_cents") else 1


def value_name(column: str, value: Any) -> Any:
    """models.display.value_name in the user's language."""
    return display.value_name(column, value, lang())
