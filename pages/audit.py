"""Audit trail: every human edit and failed login, newest first, filtered by user and action."""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from models import triage_queries as tq
from models.exports import to_csv_bytes
from models.kpis import Scope
from ui import data, frame, t, tables
from ui.access import current_access, describe
from ui.auth import require

frame.ensure()

user = require("view_audit")
st.title(t("audit.title"))
today = datetime.now(data.settings().zone).date()
picked = st.date_input(t("audit.dates"), value=(today - timedelta(days=6), today), key="audit_dates")
scope = Scope(picked[0], picked[-1]) if picked else Scope(today, today)
start_at, end_at = scope.bounds(data.settings().timezone)
access = current_access()
df = tq.audit(data.db(), start_at, end_at, access)
if not access.unrestricted:
    st.caption(t("access.audit_limited", scope=describe(access)))
st.caption(t("audit.caption", start=scope.start, end=scope.end, n=len(df)))
left, right = st.columns(2)
users = left.multiselect(t("audit.user"), sorted(df["user"].dropna().unique()), key="audit_users")
kinds = right.multiselect(t("audit.action"), sorted(df["action"].dropna().unique()), key="audit_actions")
view = tq.filter_queue(df, {"user": users, "action": kinds})
tables.table(view, hide_index=True, key="audit_table")
st.download_button(t("audit.export"), to_csv_bytes(view), "orderhub-audit.csv", "text/csv", key="audit_export")
