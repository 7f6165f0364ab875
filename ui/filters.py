"""The shared sidebar: language switch, date range, channel and warehouse filters, data freshness.

Widgets live in app.py's sidebar on every page, with explicit keys, so the choices persist across
pages. Pages read the result with `current_scope()`: the choices cut down to the signed-in user's access
(models/access.py), so every page that reads it shows only what the user may see. The lists offer only
the channels and warehouses of that access; the URL keeps what the user picked.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from models.channels import channel_name
from models.demo import read_demo_marker
from models.formatting import format_ts
from models.kpis import Scope
from ui import LANG_KEY, data, lang, t
from ui.access import current_access, describe

SCOPE_KEY = "scope"


def _default_range(last: date) -> tuple[date, date]:
    """The seven days ending on the last day with data (or today)."""
    return last - timedelta(days=6), last


def sidebar() -> None:
    """Draw the shared sidebar and store the resulting Scope in session state."""
    with st.sidebar:
        st.radio(t("sidebar.language"), ["en", "zh"], key=LANG_KEY, horizontal=True,
                 format_func=lambda code: {"en": "English", "zh": "中文"}[code])
        dims = data.dimensions()
        settings = data.settings()
        today = datetime.now(settings.zone).date()
        last = dims["last_placed_at"].astimezone(settings.zone).date() if dims["last_placed_at"] else today
        if "dates" not in st.session_state:
            _seed_from_url(_default_range(last))
        _take_clicked_scope()
        # Wide fixed bounds: a remembered range must never fall outside them when the lake changes.
        picked = st.date_input(t("sidebar.dates"), key="dates", min_value=date(2000, 1, 1),
                               max_value=today + timedelta(days=366))
        channels = st.multiselect(t("sidebar.channels"), _options("channels", dims), key="channels",
                                  format_func=lambda c: channel_name(c, lang()), placeholder=t("sidebar.all"))
        warehouses = st.multiselect(t("sidebar.warehouses"), _options("warehouses", dims), key="warehouses",
                                    placeholder=t("sidebar.all"))
        start, end = _range(picked, last)
        if end < start:
            st.error(t("sidebar.bad_range"))
            start, end = end, start
        scope = Scope(start, end, tuple(channels), (), tuple(warehouses))
        access = current_access()
        st.session_state[SCOPE_KEY] = access.narrow(scope)
        if not access.unrestricted:
            st.caption(t("access.limited", scope=describe(access)))
        _write_url(scope)
        _freshness(dims, settings.timezone)


def _take_clicked_scope() -> None:
    """A chart click (ui.analytics.chart) narrows the dates, channels or warehouses: set before the widgets."""
    for key, value in st.session_state.pop("scope_drill", {}).items():
        st.session_state[key] = value


def _options(key: str, dims: dict) -> list[str]:
    """The lake's values of a dimension that the user may see; a remembered or linked choice outside them is
    dropped (a multiselect refuses a value it does not offer)."""
    options = current_access().visible(key, dims[key])
    if any(v not in options for v in st.session_state.get(key) or []):
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    return options


def _seed_from_url(default: tuple[date, date]) -> None:
    """A session opened from a link (`?from=2026-03-02&to=…&channel=shopee&warehouse=Hefei`) starts there."""
    params = st.query_params
    try:
        start = date.fromisoformat(params.get("from", default[0].isoformat()))
        end = date.fromisoformat(params.get("to", start.isoformat() if "from" in params else default[1].isoformat()))
    except ValueError:
        start, end = default
    st.session_state["dates"] = (start, end)
    st.session_state["channels"] = params.get_all("channel")
    st.session_state["warehouses"] = params.get_all("warehouse")


def _write_url(scope: Scope) -> None:
    """Keep the address bar in step with the filters, so the URL of any view can be shared; a page's own
    parameters (`?order=` of Order detail, linked from the queue) stay."""
    own = {k: st.query_params.get_all(k) for k in st.query_params if k not in ("from", "to", "channel", "warehouse")}
    st.query_params.from_dict({**own, "from": scope.start.isoformat(), "to": scope.end.isoformat(),
                               "channel": list(scope.channels), "warehouse": list(scope.warehouses)})


def scope_url(scope: Scope) -> str:
    """The query string that opens the console on this scope (for drill-down links)."""
    from urllib.parse import urlencode

    pairs = [("from", scope.start.isoformat()), ("to", scope.end.isoformat())]
    pairs += [("channel", c) for c in scope.channels] + [("warehouse", w) for w in scope.warehouses]
    return "?" + urlencode(pairs)


def _range(picked: object, last: date) -> tuple[date, date]:
    """A date_input gives one date while the user is still choosing the second: treat it as one day."""
    if isinstance(picked, tuple | list):
        if len(picked) == 2:
            return picked[0], picked[1]
        if len(picked) == 1:
            return picked[0], picked[0]
        return _default_range(last)
    return picked, picked  # type: ignore[return-value]


def _freshness(dims: dict, tz: str) -> None:
    if dims["data_as_of"] is None:
        st.warning(t("sidebar.no_data"))
        return
    st.caption(t("sidebar.data_as_of", ts=format_ts(dims["data_as_of"], tz, lang())))
    if read_demo_marker(data.settings().lake_dir):
        st.caption(f":orange[:material/science: {t('sidebar.demo')}]")
    problems = data.db().problems
    if problems:
        st.warning(t("sidebar.problems", n=len(problems)))


def current_scope() -> Scope:
    """The scope chosen in the sidebar (app.py always draws the sidebar before the page)."""
    return st.session_state[SCOPE_KEY]
