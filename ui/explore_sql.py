"""The Explore page's read-only SQL box and the CSV / Parquet export of its result.

Masking and access scoping happen inside the box (models/analytics/sandbox_views.py serves each user only
their role's masked views, filtered to their access), so the result is shown and exported as it comes.
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from models.analytics.sandbox import Sandbox, SandboxError
from models.auth import User
from models.exports import to_csv_bytes
from ui import data, t, tables


@st.cache_resource(max_entries=1, show_spinner=False)
def _sandbox(version: str) -> Sandbox:
    """The box's limits and lake location; each query runs in its own worker process."""
    return Sandbox(data.settings())


def _parquet(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return buffer.getvalue()


def sql_box(user: User | None) -> None:
    """Draw the SQL box for users with query_sql; errors are one line, downloads need `export`."""
    if user is None or not user.can("query_sql"):
        return
    with st.expander(t("explore.sql"), expanded=bool(st.session_state.get("ex_sql"))):
        st.caption(t("explore.sql_help"))
        sql = st.text_area(t("explore.sql"), key="ex_sql", height=120, label_visibility="collapsed")
        if not sql.strip():
            return
        try:
            df, cut = _sandbox(data.current_version()).query(sql, user.role, user.access)
        except SandboxError as exc:
            st.error(t("explore.sql_error", error=str(exc)))
            return
        if cut:
            st.warning(t("explore.sql_cut", n=len(df)))
        tables.grid(df, hide_index=True, key="ex_sql_result")
        if user.can("export"):
            left, right = st.columns(2)
            left.download_button(t("explore.csv"), to_csv_bytes(df), "query.csv", "text/csv", key="ex_csv")
            right.download_button(t("explore.parquet"), _parquet(df), "query.parquet",
                                  "application/vnd.apache.parquet", key="ex_parquet")
