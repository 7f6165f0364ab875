"""OrderHub console: page config, the login, navigation by role, the shared sidebar. Nothing else lives here.

    streamlit run console.py   # this app plus the remembered sign-in's cookie routes (`make run`)
"""

from __future__ import annotations

import streamlit as st

from ui import t
from ui.auth import allowed_pages, login_gate, user_box
from ui.duty import banner
from ui.errors import run_page
from ui.filters import sidebar
from ui.frame import mark
from ui.views import views_box

st.set_page_config(page_title="OrderHub", page_icon=":material/hub:", layout="wide")
mark()

# Each page with the permission a role needs to open it (models.auth.PERMISSIONS); nothing else opens a page.
PAGES = {
    "nav.monitor": [
        (st.Page("pages/overview.py", title=t("page.overview"), icon=":material/dashboard:", default=True), "view"),
        (st.Page("pages/channels.py", title=t("page.channels"), icon=":material/sync_alt:"), "view"),
        (st.Page("pages/inventory.py", title=t("page.inventory"), icon=":material/inventory_2:"), "view"),
    ],
    "nav.operate": [
        (st.Page("pages/queue.py", title=t("page.queue"), icon=":material/inbox:"), "view"),
        (st.Page("pages/order.py", title=t("page.order"), icon=":material/receipt_long:"), "view"),
        (st.Page("pages/lookup.py", title=t("page.lookup"), icon=":material/search:"), "view"),
        (st.Page("pages/packing.py", title=t("page.packing"), icon=":material/package_2:"), "triage"),
        (st.Page("pages/audit.py", title=t("page.audit"), icon=":material/history:"), "view_audit"),
    ],
    "nav.analyze": [
        (st.Page("pages/flow.py", title=t("page.flow"), icon=":material/timeline:"), "view"),
        (st.Page("pages/exceptions.py", title=t("page.exceptions"), icon=":material/report:"), "view"),
        (st.Page("pages/manual.py", title=t("page.manual"), icon=":material/back_hand:"), "view"),
        (st.Page("pages/capacity.py", title=t("page.capacity"), icon=":material/speed:"), "view"),
        (st.Page("pages/returns.py", title=t("page.returns"), icon=":material/assignment_return:"), "view"),
        (st.Page("pages/reconciliation.py", title=t("page.reconciliation"), icon=":material/balance:"), "view"),
        (st.Page("pages/data_quality.py", title=t("page.data_quality"), icon=":material/fact_check:"), "view"),
        (st.Page("pages/explore.py", title=t("page.explore"), icon=":material/manage_search:"), "view"),
    ],
    "nav.admin": [
        (st.Page("pages/rules.py", title=t("page.rules"), icon=":material/rule:"), "edit_rules"),
        (st.Page("pages/users.py", title=t("page.users"), icon=":material/group:"), "manage_users"),
        (st.Page("pages/snapshot.py", title=t("page.snapshot"), icon=":material/forward_to_inbox:"), "view_recipients"),
    ],
}

user = login_gate(PAGES)
navigation = st.navigation(allowed_pages(PAGES, user), expanded=True)  # every page listed, none behind "View more"
sidebar()
user_box(user)
banner(user)  # open/overdue exceptions and new alerts on every page
views_box(user, navigation)
run_page(navigation)
