"""Console side of the customer-service lookup (models/lookup.py): the cached search and the order's
timeline and carrier status in the reader's language. The order itself comes from ui.triage.order_story,
the same reads the order detail page makes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models import lookup
from models.auth import User
from models.exceptions import OPEN
from models.i18n import CATALOGUE, exception_label
from ui import data, lang, t, tables
from ui.text import cut

TIMELINE = ("occurred_at", "event", "source", "actor", "detail", "h_in_step")
SECTIONS = {"lines": ("line_no", "sku", "title", "qty", "unit_price_cents", "is_gift"),
            "order_exceptions": ("exception_id", "type", "severity", "detected_at", "due_at", "assignee"),
            "order_actions": ("occurred_at", "user", "action", "reason")}
MINUTE = "%Y-%m-%d %H:%M"  # times as people read them (the connection already gives them in the local zone)
MATCH_LIST = ("order_id", "platform_order_id", "tracking_no", "placed_at", "matched")


@st.cache_data(max_entries=64, show_spinner=False)
@data.relisting
def _search(text: str, user: User, version: str) -> pd.DataFrame:
    return lookup.search(data.db(), text, user)


def search(text: str, user: User) -> pd.DataFrame:
    """Orders matching `text` in the user's access (phone only for roles that may see it), fresh per lake version."""
    return _search(text.strip(), user, data.current_version())


def named(prefix: str, value: object) -> str:
    """The catalogue's words for a code ('event.picked' → 'Picked'); an unknown code shows as itself."""
    key = f"{prefix}.{value}"
    return t(key) if key in CATALOGUE else cut(value)


def matches(found: pd.DataFrame) -> pd.DataFrame:
    """The list of matches as a reader sees it: headed in their language, the matched field in words."""
    shown = found[list(MATCH_LIST)].assign(matched=found["matched"].map(lambda m: t(f"lookup.{m}")),
                                           placed_at=found["placed_at"].dt.strftime(MINUTE))
    return shown.rename(columns={c: t(f"lookup.{c}") for c in MATCH_LIST})


def timeline(story_timeline: pd.DataFrame) -> pd.DataFrame:
    """Every event in event-time order, named in the reader's language, with the hours spent in each step
    as text (two decimals; the last step, where the order is now, says so instead of showing an empty number)."""
    df = lookup.with_step_hours(story_timeline)[list(TIMELINE)]
    df = df.assign(event=df["event"].map(lambda e: named("event", e)),
                   source=df["source"].map(lambda s: named("source", s)),
                   actor=df["actor"].map(cut), detail=df["detail"].map(cut),
                   h_in_step=df["h_in_step"].map(lambda h: t("lookup.still_here") if pd.isna(h) else f"{h:.2f}"))
    return df.rename(columns={c: t(f"lookup.{c}") for c in TIMELINE})


def carrier_words(story_timeline: pd.DataFrame) -> str:
    """The carrier's latest status as a sentence for the customer, or that it has not reported yet."""
    latest = lookup.carrier_latest(story_timeline)
    return t("lookup.carrier_none") if latest is None else named("carrier_says", latest)


def section(story: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """One of the order's sections (lines, order_exceptions: only the open ones, order_actions), its chosen
    columns headed in the reader's language; text cut to a readable length."""
    df = story[name]
    if df.empty:
        return pd.DataFrame(columns=[t(f"col.{c}") for c in SECTIONS[name]])
    if name == "lines":  # money in the line's currency ('¥61.50'), as the order page's table shows it
        df = tables.readable(df)
    if name == "order_exceptions":
        df = df[df["status"].isin(OPEN)]
        df = df.assign(type=df["type"].map(lambda x: exception_label(x, lang())),
                       severity=df["severity"].map(lambda x: named("severity", x)))
    df = df[list(SECTIONS[name])]
    text = {c: df[c].map(cut) for c in df.columns if df[c].dtype in (object, "str")}
    times = {c: df[c].dt.strftime(MINUTE) for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])}
    return df.assign(**text, **times).rename(columns={c: t(f"col.{c}") for c in df.columns})
