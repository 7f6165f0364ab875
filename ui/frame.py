"""Pages run only inside app.py's frame (login, sidebar, navigation).

Until some session has called `st.navigation`, Streamlit treats a `pages/` folder beside the entry script
as a legacy multipage app and may run a deep-linked page file *alone*: the first visitor after a restart
would skip the login. app.py marks the session as framed; a page that finds no mark switches Streamlit out
of the legacy mode and reruns, which goes through app.py and its login gate.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

FRAMED = "_framed"


def mark() -> None:
    """Called by app.py before anything else: this session runs inside the frame."""
    st.session_state[FRAMED] = True


def ensure() -> None:
    """Called first by every page: leave at once, through the frame, if the frame did not run."""
    if not st.session_state.get(FRAMED):
        PagesManager.uses_pages_directory = False  # what st.navigation itself sets on its first call
        st.rerun()
