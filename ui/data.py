"""Cached access to the lake for the console.

One DuckDB connection per lake version is shared by all sessions (each query runs on its own cursor,
which DuckDB makes safe across threads). Results are cached on (query, scope, lake version), so a new
file in the lake shows up on the next rerun without a restart and repeated page views cost nothing.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from models import kpis
from models.db import LakeConnection, connect, lake_version, retry_vanished, vanished
from models.kpis import Scope
from models.settings import Settings, load_settings

R = TypeVar("R")


@st.cache_resource(max_entries=2, show_spinner=False)  # two: sessions mid-run on the previous version keep it
def _connection(version: str) -> LakeConnection:
    """A connection over the lake as of `version`; replaced when the version changes."""
    return connect(load_settings(), materialize=True)


def relisting(fn: Callable[..., R]) -> Callable[..., R]:
    """A read that, when compaction removed a file this connection listed, drops the connection and runs
    again on a fresh listing (same results: compaction writes the merged file before removing the old)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        def attempt() -> R:
            try:
                return fn(*args, **kwargs)
            except duckdb.IOException as exc:
                if vanished(exc):
                    _connection.clear()
                    st.session_state.pop(PIN, None)  # list the lake again
                raise

        return retry_vanished(attempt)

    return wrapper


PIN = "_lake_version"


_RUNS = itertools.count(1)
_TOKEN = "_orderhub_run"


def _run_token() -> int | None:
    """Tells this script run from the session's previous one: Streamlit builds a new fragment coordinator
    at the start of every run, and the first read numbers it. Not its `id()`: a session's runner is made
    anew for a rerun once the last one ended, the old coordinator is freed, and the new one often takes its
    address (a page then read the lake version from before the edit it had just saved)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    coordinator = getattr(ctx, "parallel_coordinator", None)
    if coordinator is None:
        return None
    token = getattr(coordinator, _TOKEN, None)
    if token is None:
        token = next(_RUNS)
        setattr(coordinator, _TOKEN, token)
    return token


def current_version() -> str:
    """The lake version, fixed for the rest of this run once read: a page's many reads share one connection
    even while ingest writes every second (without it a run built several); the next run sees new files."""
    token = _run_token()
    if token is None:  # not in a script run (scripts, tests calling this directly)
        return lake_version(load_settings())
    pinned = st.session_state.get(PIN)
    if pinned and pinned[0] == token:
        return pinned[1]
    version = lake_version(load_settings())
    st.session_state[PIN] = (token, version)
    return version


def db() -> LakeConnection:
    """A cursor on the shared connection for this rerun, in the configured zone: every timestamp a page
    reads arrives as local time (KPI SQL converts zones explicitly and does not depend on this)."""
    cursor = _connection(current_version()).cursor()
    cursor.con.execute(f"set TimeZone = '{cursor.settings.timezone}'")
    return cursor


def settings() -> Settings:
    return _connection(current_version()).settings


@st.cache_data(max_entries=128, show_spinner=False)
@relisting
def _summary(scope: Scope, version: str, as_of_minute: datetime) -> dict[str, Any]:
    return kpis.summary(db(), scope, as_of_minute)


def summary(scope: Scope) -> dict[str, Any]:
    return _summary(scope, current_version(), minute())


@st.cache_data(max_entries=128, show_spinner=False)
@relisting
def _stages(scope: Scope, version: str) -> pd.DataFrame:
    return kpis.stage_durations(db(), scope)


def stage_durations(scope: Scope) -> pd.DataFrame:
    return _stages(scope, current_version())


@st.cache_data(max_entries=4, show_spinner=False)
@relisting
def _dimensions(version: str) -> dict[str, Any]:
    return kpis.dimensions(db())


def dimensions() -> dict[str, Any]:
    """Channels, shops and warehouses present in the lake, the date span, and the data-as-of time."""
    return _dimensions(current_version())


def minute() -> datetime:
    """'Now' rounded down to the minute: overdue figures stay fresh without defeating the cache."""
    return datetime.now(UTC).replace(second=0, microsecond=0)
