"""OrderHub console: page config, navigation, the shared sidebar. Nothing else lives here.

    streamlit run app.py
"""

from __future__ import annotations

import streamlit as st

from ui import t
from ui.filters import sidebar

st.set_page_config(page_title="OrderHub", page_icon=":material/hub:", layout="wide")

PAGES = {
    "nav.monitor": [
        st.Page("pages/overview.py", title=t("page.overview"), icon=":material/dashboard:", default=True),
        st.Page("pages/channels.py", title=t("page.channels"), icon=":material/sync_alt:"),
    ],
}

navigation = st.navigation({t(section): pages for section, pages in PAGES.items()})
sidebar()
navigation.run()
