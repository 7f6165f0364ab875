"""The Reconciliation page's reads and widgets: the months offered, tables in the reader's words and
currency formats, the workbook built on request, the frozen figures, and the drill to Explore for one finding.

The figures come from the named queries of models/sql/kpis/reconciliation.sql through `ui.analytics.frame`;
nothing here computes a figure.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
import streamlit as st

from models.channels import channel_name
from models.formatting import format_ts
from models.kpis import Scope
from models.money import format_money
from models.reconciliation import close, workbook
from models.reconciliation.workbook import MONEY, measure_label
from ui import data, lang, t, tables
from ui.analytics import DRILL_KEY, EXPLORE_PAGE
from ui.text import cut, plain

GO_KEY = "recon_drill_go"


def months(count: int = 12) -> list[str]:
    """The last `count` months up to the one of the newest order, newest first ('2026-11', …)."""
    last = data.dimensions()["last_placed_at"]
    end = last.astimezone(data.settings().zone).date() if last else datetime.now(data.settings().zone).date()
    out, year, mon = [], end.year, end.month
    for _ in range(count):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year, mon - 1) if mon > 1 else (year - 1, 12)
    return out


def shown(df: pd.DataFrame) -> pd.DataFrame:
    """A table as the page shows it: money in its currency's format, names translated, text as plain text."""
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        values = df[col]
        if col in MONEY:
            values = [format_money(int(v), c, lang()) for v, c in zip(values, df["currency"], strict=True)]
        elif col == "channel":
            values = [channel_name(v, lang()) for v in values]
        elif col == "finding":
            values = [t(f"exc.recon_{v}") for v in values]
        elif col == "measure":
            values = [measure_label(v, lang()) for v in values]
        elif col.endswith("_at"):
            values = [format_ts(v, data.settings().timezone, lang()) for v in values]
        elif values.dtype == object:
            values = [cut(v) for v in values]  # a dataframe shows text as text; only long values cut
        out[t(f"recon.col.{col}")] = list(values)
    return out


def grid(df: pd.DataFrame, key: str) -> None:
    """A table as `shown`, counts with thousands separators (16,359) as every other page shows them."""
    counts = {t(f"recon.col.{c}"): st.column_config.NumberColumn(format="localized")
              for c in df.columns if c not in MONEY and pd.api.types.is_integer_dtype(df[c])}
    tables.grid(shown(df), hide_index=True, key=key, column_config=counts)


@st.cache_data(max_entries=8, show_spinner=False)
def _book(month: str, scope: Scope, role: str | None, lang_: str, version: str, as_of: datetime) -> bytes:
    return workbook.workbook(data.db(), month, scope, as_of, lang_, role)


def book(month: str, scope: Scope, role: str | None) -> Callable[[], bytes]:
    """The month's XLSX workbook, built when the button is clicked (Streamlit runs this on its own thread:
    a large month takes a while, and the page is not held up on every rerun to build a file nobody asked
    for). Cached until the lake changes or the minute turns."""
    return functools.partial(_book, month, scope, role, lang(), data.current_version(), data.minute())


def orders_caption(finding: str, shown: int, total: int) -> str:
    """'Orders behind “Not settled”' — and, when the page lists only the first rows, how many there are."""
    name = t(f"exc.recon_{finding}")
    if shown >= total:
        return t("recon.finding_orders", finding=name)
    return t("recon.finding_orders_first", finding=name, shown=f"{shown:,}", total=f"{total:,}")


def frozen(month: str, scope: Scope) -> pd.DataFrame:
    return close.frozen(data.db(), month, scope)


def changes(month: str, scope: Scope) -> pd.DataFrame:
    return close.differences(close.measures(data.db(), month, scope, data.minute()), frozen(month, scope))


def closed_caption(rows: pd.DataFrame) -> str:
    last = rows.sort_values("closed_at").iloc[-1]
    return t("recon.closed_by", user=plain(last["closed_by"]), note=plain(last["note"]),
             ts=format_ts(last["closed_at"], data.settings().timezone, lang()))


def _arm_drill(finding: str, start: date, end: date) -> None:
    """Runs before the next rerun (widget state may change then): Explore opens on the month and finding."""
    st.session_state["dates"] = (start, end)
    st.session_state[DRILL_KEY] = {"measure": "orders", "by1": "channel", "by2": "shop", "exc": f"recon_{finding}"}
    st.session_state[GO_KEY] = True


def drill(finding: str, scope: Scope) -> None:
    """A button that opens Explore on the month's orders with this finding."""
    st.button(t("recon.drill"), key=f"recon_drill_{finding}", icon=":material/manage_search:", type="tertiary",
              on_click=_arm_drill, args=(finding, scope.start, scope.end))
    if st.session_state.pop(GO_KEY, False):
        st.switch_page(EXPLORE_PAGE)
