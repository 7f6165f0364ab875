"""Cached access to the analytics KPIs for the Analyze pages, and the drill-down links under charts.

Results are cached on (query, scope, extras, lake version, minute), like ui.data, so new data shows on the
next rerun without a restart. The first query after a new lake version builds the order mart (see
models/analytics/marts.py); every later one reads it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from models import analytics
from models.analytics import explore as ex
from models.kpis import Scope
from ui import data, t

EXPLORE_PAGE = "pages/explore.py"


def _minute() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


@st.cache_data(max_entries=512, show_spinner=False)
def _run(name: str, scope: Scope, version: str, as_of: datetime) -> pd.DataFrame:
    return analytics.run(data.db(), name, scope, as_of)


def frame(name: str, scope: Scope) -> pd.DataFrame:
    """A named analytics KPI query under the scope (cached until the lake changes or the minute turns)."""
    return _run(name, scope, data.current_version(), _minute())


@st.cache_data(max_entries=256, show_spinner=False)
def _explore(scope: Scope, query: ex.Query, version: str, as_of: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    db = data.db()
    return ex.explore(db, scope, query, as_of), ex.orders(db, scope, query)


def explore(scope: Scope, query: ex.Query) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Explore page's grouped measures and the orders behind them."""
    return _explore(scope, query, data.current_version(), _minute())


def drill(key: str, **params: str) -> None:
    """A link under a chart to Explore with the chart's filters applied (query parameters, see explore.py)."""
    clean = {k: v for k, v in params.items() if v not in (None, "", [])}
    st.page_link(EXPLORE_PAGE, label=t("drill.link", what=t(f"drill.{key}")), icon=":material/manage_search:",
                 query_params=clean)
