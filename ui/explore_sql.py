"""The Explore page's read-only SQL box and the CSV / Parquet export of its result (PII masked by role)."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from models.analytics.sandbox import Sandbox, SandboxError
from models.auth import User, mask_frame
from ui import data, t


@st.cache_resource(max_entries=1, show_spinner=False)
def _sandbox(version: str) -> Sandbox:
    """One locked-down connection per lake version, shared by all sessions (a cursor per query)."""
    return Sandbox(data.settings())


def _parquet(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return buffer.getvalue()


def sql_box(user: User | None) -> None:
    """Draw the SQL box; run the query on the sandbox and offer the masked result for download."""
    with st.expander(t("explore.sql"), expanded=bool(st.session_state.get("ex_sql"))):
        st.caption(t("explore.sql_help"))
        sql = st.text_area(t("explore.sql"), key="ex_sql", height=120, label_visibility="collapsed")
        if not sql.strip():
            return
        try:
            df, cut = _sandbox(data.current_version()).query(sql)
        except SandboxError as exc:
            st.error(str(exc))
            return
        df = mask_frame(df, user.role if user else None)
        if cut:
            st.warning(t("explore.sql_cut", n=len(df)))
        st.dataframe(df, hide_index=True, key="ex_sql_result")
        if user is not None and user.can("export"):
            left, right = st.columns(2)
            left.download_button(t("explore.csv"), df.to_csv(index=False).encode("utf-8"), "query.csv",
                                 "text/csv", key="ex_csv")
            right.download_button(t("explore.parquet"), _parquet(df), "query.parquet",
                                  "application/vnd.apache.parquet", key="ex_parquet")
