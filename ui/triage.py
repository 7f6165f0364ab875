"""Console helpers for the triage pages: cached reads, the version a form was loaded with, messages
that survive the rerun after an edit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from models import triage_queries as tq
from models.access import Access
from ui import data
from ui.access import current_access


@st.cache_data(max_entries=16, show_spinner=False)
@data.relisting
def _queue(access: Access, version: str, minute: datetime) -> pd.DataFrame:
    return tq.queue(data.db(), access, minute)


def queue() -> pd.DataFrame:
    """The exception queue in the user's access, fresh whenever the lake changes (an edit writes a file)."""
    return _queue(current_access(), data.current_version(), datetime.now(UTC).replace(second=0, microsecond=0))


@st.cache_data(max_entries=64, show_spinner=False)
@data.relisting
def _story(order_id: str, access: Access, version: str) -> dict[str, pd.DataFrame]:
    return tq.order_story(data.db(), order_id, access)


def order_story(order_id: str) -> dict[str, pd.DataFrame]:
    """The order's sections, all empty when it is unknown or outside the user's access."""
    return _story(order_id, current_access(), data.current_version())


def seen_versions(key: str) -> dict[str, str]:
    """The versions the user saw on the previous run: what a submitted form was loaded with."""
    return dict(st.session_state.get(f"{key}_seen", {}))


def remember_versions(key: str, ids: Any, versions: Any) -> None:
    st.session_state[f"{key}_seen"] = {i: pd.Timestamp(v).isoformat() for i, v in zip(ids, versions, strict=True)}


def flash(kind: str, text: str) -> None:
    """Show a message on the next run (edits rerun the page to show fresh data)."""
    st.session_state["triage_flash"] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop("triage_flash", (None, None))
    if kind:
        getattr(st, kind)(text)
