"""OrderHub console: page config, the login, navigation by role, the shared sidebar. Nothing else lives here.

    streamlit run app.py
"""

from __future__ import annotations

import streamlit as st

from ui import t
from ui.auth import allowed_pages, login_gate, user_box
from ui.filters import sidebar
from ui.frame import mark

st.set_page_config(page_title="OrderHub", page_icon=":material/hub:", layout="wide")
mark()

PAGES = {
    "nav.monitor": [
        st.Page("pages/overview.py", title=t("page.overview"), icon=":material/dashboard:", default=True),
        st.Page("pages/channels.py", title=t("page.channels"), icon=":material/sync_alt:"),
    ],
    "nav.operate": [
        st.Page("pages/queue.py", title=t("page.queue"), icon=":material/inbox:"),
        st.Page("pages/order.py", title=t("page.order"), icon=":material/receipt_long:"),
        st.Page("pages/audit.py", title=t("page.audit"), icon=":material/history:"),
    ],
    "nav.analyze": [
        st.Page("pages/flow.py", title=t("page.flow"), icon=":material/timeline:"),
        st.Page("pages/exceptions.py", title=t("page.exceptions"), icon=":material/report:"),
        st.Page("pages/manual.py", title=t("page.manual"), icon=":material/back_hand:"),
        st.Page("pages/capacity.py", title=t("page.capacity"), icon=":material/speed:"),
        st.Page("pages/returns.py", title=t("page.returns"), icon=":material/assignment_return:"),
        st.Page("pages/data_quality.py", title=t("page.data_quality"), icon=":material/fact_check:"),
        st.Page("pages/explore.py", title=t("page.explore"), icon=":material/manage_search:"),
    ],
    "nav.admin": [
        st.Page("pages/rules.py", title=t("page.rules"), icon=":material/rule:"),
        st.Page("pages/users.py", title=t("page.users"), icon=":material/group:"),
        st.Page("pages/snapshot.py", title=t("page.snapshot"), icon=":material/forward_to_inbox:"),
    ],
}

user = login_gate()
navigation = st.navigation(allowed_pages(PAGES, user))
sidebar()
user_box(user)
navigation.run()
