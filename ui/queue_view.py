"""The exception queue as an OMS shows it: a selectable table with readable headers and values, a link to
each order, and the selected exception's order beside it.

    queue_view.table(view, key, on_select)       # draws the table; selected_rows(key) after a tick
    queue_view.order_beside(order_id, user)      # status, receiver, exceptions of the order, a link to it
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from models.auth import User, mask_frame
from models.channels import channel_name
from models.formatting import format_ts
from models.i18n import exception_label
from ui import data, lang, t, tables
from ui import triage as ui
from ui.text import plain, receiver_line

TABLE_KEY = "queue_table"
ORDER_LINK = "/order?order={}"
COLUMNS = ["exception_id", "order", "type", "severity", "status", "assignee", "age_h", "due_at", "overdue", "channel",
           "warehouse", "note"]  # the Order detail page reads ?order= (a new tab stays signed in)


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    """Id, type, severity, status and assignee of exceptions as a person reads them, in their language."""
    language = lang()
    return pd.DataFrame({
        "exception_id": frame["exception_id"],
        "type": frame["type"].map(lambda x: exception_label(x, language)),
        "severity": frame["severity"].map(lambda x: t(f"severity.{x}")),
        "status": frame["status"].map(lambda x: t(f"exc_status.{x}")),
        "assignee": frame["assignee"].fillna(""),
    })


def _readable(view: pd.DataFrame) -> pd.DataFrame:
    """The queue's rows with values a person reads (see `_named`), channel names, local times, and a link to
    the order."""
    zone, language = data.settings().timezone, lang()
    return _named(view).assign(
        order=view["order_id"].map(lambda x: ORDER_LINK.format(x)),
        channel=view["channel"].map(lambda x: channel_name(x, language) if isinstance(x, str) else ""),
        warehouse=view["warehouse"].fillna(""),
        age_h=view["age_h"],
        due_at=view["due_at"].map(lambda x: format_ts(x, zone, language) if pd.notna(x) else ""),
        overdue=view["overdue"].fillna(False).astype(bool),
        note=view["note"].fillna(""),
    )[COLUMNS]


def _columns() -> dict[str, object]:
    col = st.column_config
    return {
        "exception_id": col.TextColumn(t("queue.col.exception_id")),
        "type": col.TextColumn(t("queue.type")), "severity": col.TextColumn(t("queue.severity")),
        "status": col.TextColumn(t("queue.status")), "assignee": col.TextColumn(t("queue.assignee")),
        "order": col.LinkColumn(t("queue.col.order"), display_text=r"order=(.*)$"),
        "channel": col.TextColumn(t("queue.channel")), "warehouse": col.TextColumn(t("queue.warehouse")),
        "age_h": col.NumberColumn(t("queue.col.age_h"), format="%.1f"),
        "due_at": col.TextColumn(t("queue.col.due_at")), "overdue": col.CheckboxColumn(t("queue.col.overdue")),
        "note": col.TextColumn(t("queue.col.note")),
    }


def table_key(versions: dict[str, str]) -> str:
    """The table's widget key, new whenever its rows or their versions change: ticks never outlive the rows
    they were on (after an edit, the table starts unticked)."""
    return f"{TABLE_KEY}:{hashlib.sha256(repr(sorted(versions.items())).encode()).hexdigest()[:12]}"


def table(view: pd.DataFrame, key: str, on_select: Callable[[], None]) -> None:
    """Draw the queue with row checkboxes (and select-all); overdue rows tinted."""
    shown = _readable(view).reset_index(drop=True)
    styled = shown.style.apply(lambda r: ["background-color: #fde2e1" if r["overdue"] else "" for _ in r], axis=1)
    tables.grid(styled, hide_index=True, key=key, column_config=_columns(), on_select=on_select,
                 selection_mode="multi-row")


def selected_rows(key: str) -> list[int]:
    """Positions of the ticked rows (in the table as drawn)."""
    state = st.session_state.get(key)
    return list(state["selection"]["rows"]) if state else []


def counts_table(counts: pd.DataFrame) -> None:
    """Open, overdue and total per type, headed and named in the user's language."""
    col = st.column_config
    tables.grid(counts.assign(type=counts["type"].map(lambda x: exception_label(x, lang()))), hide_index=True,
                 key="queue_counts", column_config={
                     "type": col.TextColumn(t("queue.type")), "total": col.NumberColumn(t("queue.col.total")),
                     "open": col.NumberColumn(t("queue.col.open")),
                     "overdue": col.NumberColumn(t("queue.col.overdue"))})


def order_beside(order_id: str | None, user: User) -> None:
    """The order of the selected exception: its state, receiver (masked by role) and exceptions."""
    if not order_id:
        st.caption(t("queue.beside_hint"))
        return
    story = ui.order_story(order_id)
    st.subheader(t("queue.beside", order_id=plain(order_id)))
    if story["order"].empty:
        st.warning(t("access.order_missing", order_id=plain(order_id)))
        return
    order = mask_frame(story["order"], user.role).iloc[0]
    left, right = st.columns(2)
    left.metric(t("order.status"), t(f"order_status.{order['status']}") if order["status"] else "–")
    right.metric(t("order.warehouse"), plain(order["warehouse"]) or "–")
    st.caption(receiver_line(order))
    columns = {k: v for k, v in _columns().items() if k in ("exception_id", "type", "severity", "status", "assignee")}
    tables.grid(_named(story["order_exceptions"]), hide_index=True, key="queue_order_exceptions",
                 column_config=columns)
    st.link_button(t("queue.open_order"), ORDER_LINK.format(order_id), icon=":material/open_in_new:")
