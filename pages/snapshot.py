"""Snapshot & alerts (Admin): preview the Monday e-mail for any week, send it now, see alerts and deliveries."""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from models.auth import can
from models.config_check import ConfigError
from ui import data, frame, lang, reports, t, tables
from ui.access import current_access, describe
from ui.auth import current_user, require
from ui.text import plain

frame.ensure()
require("view_recipients")  # recipients' addresses and delivery errors: admins only

settings = data.settings()
st.title(t("snapshot.title"))
st.caption(t("snapshot.caption"))

dims = data.dimensions()
today = datetime.now(settings.zone).date()
last = dims["last_placed_at"].astimezone(settings.zone).date() if dims["last_placed_at"] else today
weeks = reports.week_choices(min(last, today))
complete = reports.last_complete_week()
left, middle = st.columns([2, 1])
monday = left.selectbox(t("snapshot.week"), weeks, key="snapshot_week",
                        index=weeks.index(complete) if complete in weeks else 0,
                        format_func=lambda d: f"{reports.week_name(d)} ({d:%m-%d} – {d + timedelta(days=6):%m-%d})")
mail_lang = middle.radio(t("snapshot.lang"), ["en", "zh"], key="snapshot_lang", horizontal=True,
                         index=["en", "zh"].index(lang()), format_func=lambda c: {"en": "English", "zh": "中文"}[c])

try:  # a typo in email.toml is shown (file, key, closest name), not a traceback; nobody is configured meanwhile
    recipients = reports.recipients()
except ConfigError as exc:
    st.error(t("config.unreadable", error=plain(exc, limit=None)))
    recipients = []
if recipients:
    st.caption(t("snapshot.recipients", names=plain(", ".join(recipients))))
else:
    st.caption(t("snapshot.no_recipients", path=plain(reports.config_file())))
if not reports.smtp_configured():
    st.info(t("snapshot.no_smtp", outbox=plain(settings.data_dir / "outbox")))

user = current_user()
access = current_access()
if not access.unrestricted:  # the preview is theirs; the e-mail and the lists below are the whole lake's
    st.info(t("access.snapshot_limited", scope=describe(access)))
elif user is not None and can(user.role, "send_snapshot"):
    force = st.checkbox(t("snapshot.force"), key="snapshot_force")
    if st.button(t("snapshot.send"), key="snapshot_send", type="primary", icon=":material/send:"):
        require("send_snapshot")
        with st.spinner(t("snapshot.send")):
            outcome = reports.send(monday, mail_lang, force)
        st.success(t("snapshot.sent", week=outcome.week, summary=plain(outcome.summary(), limit=None)))
else:
    st.caption(t("snapshot.admin_only"))

# On request: drawing the e-mail's charts takes seconds the first time for a week (then it is cached), and
# most visits are for the alerts and deliveries below.
if st.toggle(t("snapshot.show_preview"), key="snapshot_show_preview"):
    try:
        with st.spinner(t("snapshot.preview")):
            page = reports.preview(monday, mail_lang)
    except reports.ChartError as exc:
        st.error(t("snapshot.render_failed", error=plain(exc, limit=None)))
    else:
        with st.container(border=True):
            st.html(page)

st.subheader(t("snapshot.alerts"))
if not access.unrestricted:
    st.caption(t("access.lake_wide"))
    st.stop()
alerts = reports.recent_alerts()
if alerts.empty:
    st.caption(t("snapshot.no_alerts"))
else:
    tables.table(alerts, hide_index=True, key="snapshot_alerts_table")
st.subheader(t("snapshot.deliveries"))
tables.table(reports.recent_deliveries(), hide_index=True, key="snapshot_deliveries_table")
