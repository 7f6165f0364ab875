"""The pages' one way to a named KPI query (`frame`), Explore's cached reads, and the drill-down links.

Results are cached on (query, scope, extras, lake version, minute), like ui.data, so new data shows on the
next rerun without a restart. Every page that shows a named KPI (Overview and the Analyze pages) calls
`frame`, which runs `models.kpis.run` on the console's connection (the persisted mart, macros loaded).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from models import kpis
from models.analytics import explore as ex
from models.kpis import Scope
from ui import data, t

EXPLORE_PAGE = "pages/explore.py"
DRILL_KEY = "explore_drill"
SCOPE_DRILL_KEY = "scope_drill"  # dates, channels, warehouses of a click: the sidebar applies them (ui.filters)
# what a clicked category narrows in Explore, by the dimension it belongs to
FILTER_OF = {"status": "status", "event": "status", "type": "exc", "exc": "exc", "reason": "reason",
             "reason_code": "reason"}


@st.cache_data(max_entries=512, show_spinner=False)
@data.relisting
def _run(name: str, scope: Scope, version: str, as_of: datetime, extra: dict[str, Any] | None) -> pd.DataFrame:
    return kpis.run(data.db(), name, scope, as_of, extra)


def frame(name: str, scope: Scope, extra: dict[str, Any] | None = None) -> pd.DataFrame:
    """A named KPI query under the scope, with the query's own parameters in `extra` (cached until the lake
    changes or the minute turns)."""
    return _run(name, scope, data.current_version(), data.minute(), extra)


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
        open_explore(params)


def open_explore(params: dict[str, Any], scope: dict[str, Any] | None = None) -> None:
    st.session_state[DRILL_KEY] = {k: v for k, v in params.items() if v}
    if scope:
        st.session_state[SCOPE_DRILL_KEY] = scope
    st.switch_page(EXPLORE_PAGE)


def chart(fig: go.Figure, key: str, what: str | None, drill_key: str,
          axes: tuple[str | None, str | None] = (None, None), **params: str) -> None:
    """A figure whose bars, points, cells and map nodes open the orders behind them in Explore, with the drill
    button under it (for the whole chart, and for keyboards).

    `axes` names the dimensions of the clicked category and of the trace ('day', 'channel'); the click adds
    them to the button's filters: a day or week narrows the dates, a channel or warehouse the sidebar, a
    status, exception type or reason Explore's own filters. A click is acted on once (its selection stays in
    the widget until the next click)."""
    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points")
    points = (event or {}).get("selection", {}).get("points") or []
    if points:
        seen = json.dumps(points[0], sort_keys=True, default=str)
        if st.session_state.get(f"{key}_clicked") != seen:
            st.session_state[f"{key}_clicked"] = seen
            extra, scope = clicked(fig, points[0], axes)
            open_explore({**params, **extra}, scope)
    if what is not None:
        drill(what, drill_key, **params)


def clicked(fig: go.Figure, point: dict[str, Any], axes: tuple[str | None, str | None]) -> tuple[dict, dict]:
    """(Explore filters, sidebar scope) for the clicked point: its category by `axes[0]`, its trace by `axes[1]`."""
    values = dict(zip(axes, _keys(fig, point), strict=True))
    params: dict[str, str] = {}
    scope: dict[str, Any] = {}
    for dim, value in values.items():
        if dim is None or value is None:
            continue
        if dim in ("day", "hour", "week"):
            first = date.fromisoformat(str(value)[:10])
            scope["dates"] = (first, first + timedelta(days=6 if dim == "week" else 0))
        elif dim in ("channel", "warehouse"):
            scope[f"{dim}s"] = [str(value)]
        elif dim in FILTER_OF:
            params[FILTER_OF[dim]] = str(value)
    return params, scope


def _keys(fig: go.Figure, point: dict[str, Any]) -> tuple[Any, Any]:
    """The clicked point's (category key, trace key): from the trace's `meta` (the builders keep the keys
    there, the axis shows names), else the point's own x."""
    trace = fig.data[point.get("curve_number", 0)] if fig.data else None
    meta = (trace.meta if trace is not None else None) or {}
    index = point.get("point_index", point.get("point_number"))
    if isinstance(meta, dict) and "nodes" in meta:  # a process-map node
        return point.get("customdata") or _at(meta["nodes"], index), None
    if isinstance(index, list | tuple) and len(index) == 2 and isinstance(meta, dict) and "y" in meta:
        row, col = index  # a heatmap cell: [row, column]
        return _at(meta.get("x"), col), _at(meta["y"], row)
    if isinstance(meta, dict) and meta.get("x"):
        return _at(meta["x"], index), meta.get("series")
    if isinstance(meta, dict) and meta.get("y"):
        return _at(meta["y"], index), meta.get("series")
    return point.get("x"), meta.get("series") if isinstance(meta, dict) else None


def _at(values: list | None, index: Any) -> Any:
    return values[index] if values is not None and isinstance(index, int) and 0 <= index < len(values) else None


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
