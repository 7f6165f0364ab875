"""Console helpers for the triage pages: cached reads, the version a form was loaded with, messages
that survive the rerun after an edit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from models import triage_queries as tq
from models.access import Access
from models.formatting import format_ts
from models.triage import ConflictError
from ui import data, lang, t
from ui.access import current_access
from ui.text import plain


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


def stamp(version: Any) -> str:
    """A version stamp as ISO text: what a form carries back to the edit function."""
    return pd.Timestamp(version).isoformat()


def form_key(form: str, subject: str, version: Any) -> str:
    """A form key naming the subject and version the form shows. Widgets keyed under it are new for every
    order (or version), so their `value=` is what that order holds, never what the previous one held."""
    return f"{form}:{subject}:{stamp(version)}"


def field(key: str, name: str) -> str:
    """The key of one widget of the form `key`."""
    return f"{key}:{name}"


def submitted(key: str, *names: str) -> list[Any]:
    """The values the form `key` was submitted with (read in its on_click callback)."""
    return [st.session_state.get(field(key, name)) for name in names]


def conflict_text(conflicts: list[ConflictError]) -> str:
    """'2 not saved: changed by ana at 2026-03-02 10:42 CST, after you loaded the page (EX-1, EX-2) …',
    one paragraph per person and minute, so a refused edit never reads like a success."""
    groups: dict[tuple[str, str], list[str]] = {}
    for exc in conflicts:
        who = plain(exc.changed_by) if exc.changed_by else t("triage.automatic")
        groups.setdefault((who, format_ts(exc.changed_at, data.settings().timezone, lang())), []).append(
            plain(exc.subject))
    return "\n\n".join(t("triage.conflict", n=len(ids), ids=", ".join(ids), who=who, when=when)
                        for (who, when), ids in groups.items())


def edit_text(exc: Exception) -> str:
    """A refused edit in the user's language when the model named its label (EditError.label), else as is."""
    key = getattr(exc, "label", None)
    if not key:
        return plain(exc, limit=None)
    values = {name.removesuffix("_key"): t(v) if name.endswith("_key") else plain(v, limit=None)
              for name, v in exc.values.items()}
    return t(key, **values)


def flash(kind: str, text: str) -> None:
    """Show a message on the next run (or, from an on_click callback, on this one). Several may queue."""
    st.session_state.setdefault("triage_flash", []).append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state.pop("triage_flash", []):
        getattr(st, kind)(text)
