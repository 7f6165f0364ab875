"""AppTest has no keys on st.dataframe: find a page's table by a column only it has."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has `column`."""
    for frame in at.dataframe:
        value = frame.value
        columns = value.data.columns if hasattr(value, "data") else value.columns  # a Styler or a frame
        if column in columns:
            return value.data if hasattr(value, "data") else value
    raise AssertionError(f"no table with a {column!r} column on the page")
