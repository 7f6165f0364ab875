"""A table without rows is a line in the user's language, not the grid's English placeholder "empty"."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _tables_page() -> None:
    import pandas as pd
    import streamlit as st

    from ui import tables

    st.session_state["lang"] = "zh"
    tables.table(pd.DataFrame({"order_id": pd.Series([], dtype="string")}), key="none")
    tables.grid(pd.DataFrame({"order_id": []}).style, key="styled_none")  # a Styler with no rows
    tables.table(pd.DataFrame({"order_id": ["OH-1"]}), key="one")


def test_an_empty_table_says_so_in_the_users_language():
    at = AppTest.from_function(_tables_page, default_timeout=30).run()
    assert not at.exception
    assert [c.value for c in at.caption] == ["没有数据。", "没有数据。"]
    (shown,) = at.dataframe  # only the table with a row is a grid
    assert shown.value["order_id"].tolist() == ["OH-1"]
