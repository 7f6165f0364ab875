"""The pages' one way to a named KPI query (`frame`), Explore's cached reads, and the drill-down links.

Results are cached on (query, scope, extras, lake version, minute), like ui.data, so new data shows on the
next rerun without a restart. Every page that shows a named KPI (Overview and the Analyze pages) calls
`frame`, which runs `models.kpis.run` on the console's connection (the persisted mart, macros loaded).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from models import kpis
from models.analytics import explore as ex
from models.kpis import Scope
from ui import data, t

EXPLORE_PAGE = "pages/explore.py"
DRILL_KEY = "explore_drill"


@st.cache_data(max_entries=512, show_spinner=False)
@data.relisting
def _run(name: str, scope: Scope, version: str, as_of: datetime) -> pd.DataFrame:
    return kpis.run(data.db(), name, scope, as_of)


def frame(name: str, scope: Scope) -> pd.DataFrame:
    """A named KPI query under the scope (cached until the lake changes or the minute turns)."""
    return _run(name, scope, data.current_version(), data.minute())


@st.cache_data(max_entries=256, show_spinner=False)
@data.relisting
def _explore(scope: Scope, query: ex.Query, version: str, as_of: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    db = data.db()
    return ex.explore(db, scope, query, as_of), ex.orders(db, scope, query)


def explore(scope: Scope, query: ex.Query) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Explore page's grouped measures and the orders behind them."""
    return _explore(scope, query, data.current_version(), data.minute())


def drill(what: str, key: str, **params: str) -> None:
    """A button under a chart that opens Explore with the chart's grouping and filters applied.

    Session state carries them (the sidebar rewrites the URL's query on every run): Explore reads
    DRILL_KEY once, sets its widgets from it and drops it. Lists are comma-separated (status, exc, reason)."""
    if st.button(t("drill.link", what=t(f"drill.{what}")), key=f"drill_{key}", icon=":material/manage_search:",
                 type="tertiary"):
        st.session_state[DRILL_KEY] = {k: v for k, v in params.items() if v}
        st.switch_page(EXPLORE_PAGE)


def take_drill() -> None:
    """Set Explore's widgets from a pending drill-down (called by pages/explore.py before drawing them)."""
    params = st.session_state.pop(DRILL_KEY, None)
    if not params:
        return
    for key, name, default in (("ex_measure", "measure", "orders"), ("ex_by1", "by1", "day"),
                               ("ex_by2", "by2", "none")):
        st.session_state[key] = params.get(name, default)
    for key, name in (("ex_status", "status"), ("ex_exc", "exc"), ("ex_reason", "reason")):
        st.session_state[key] = [v for v in params.get(name, "").split(",") if v]
