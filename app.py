"""OrderHub console: page config, the login, navigation by role, the shared sidebar. Nothing else lives here.

    streamlit run app.py
"""

from __future__ import annotations

import streamlit as st

from ui import t
from ui.auth import allowed_pages, login_gate, user_box
from ui.filters import sidebar

st.set_page_config(page_title="OrderHub", page_icon=":material/hub:", layout="wide")

PAGES = {
    "nav.monitor": [
        st.Page("pages/overview.py", title=t("page.overview"), icon=":material/dashboard:", default=True),
    ],
    "nav.admin": [
        st.Page("pages/snapshot.py", title=t("page.snapshot"), icon=":material/forward_to_inbox:"),
    ],
}

user = login_gate()
navigation = st.navigation(allowed_pages(PAGES, user))
sidebar()
user_box(user)
navigation.run()
