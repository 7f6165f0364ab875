"""Shared pieces of the Streamlit console: labels, filters, cached data access, cards and charts.

Pages import from here and from `models`; they hold no SQL and no HTTP.
"""

from __future__ import annotations

import streamlit as st

from models.i18n import label

LANG_KEY = "lang"  # session state: the sidebar's language switch (ui/filters.py draws it)


def lang() -> str:
    """The user's language from the sidebar switch ('en' until they choose)."""
    return st.session_state.get(LANG_KEY, "en")


def t(key: str, **values: object) -> str:
    """A catalogue label in the user's language."""
    return label(key, lang(), **values)
