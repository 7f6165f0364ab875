"""The duty banner: open and overdue exceptions and new alerts at the top of every page, with a way to the
queue (filtered to what the banner counted) and, for those who triage, an Acknowledge button per alert.

    banner(user)   # app.py, after the navigation is built and before the page runs
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from models import duty as model
from models.access import Access, AccessDenied
from models.alert_acks import AlreadyAcknowledged
from models.auth import User
from models.formatting import format_ts
from ui import data, lang, t
from ui.text import plain

QUEUE = "pages/queue.py"


@st.cache_data(max_entries=32, show_spinner=False)
@data.relisting
def _duty(access: Access, version: str, minute: datetime) -> model.Duty:
    return model.duty(data.db(), access, minute)


def current(user: User) -> model.Duty:
    """The banner's figures, fresh when the lake changes or the minute turns (what is overdue moves on)."""
    return _duty(user.access, data.current_version(), datetime.now(UTC).replace(second=0, microsecond=0))


def banner(user: User) -> None:
    """Draw the banner when there is anything open; a quiet shift shows nothing."""
    if not user.can("view"):
        return
    d = current(user)
    if d.quiet:
        return
    loud = d.overdue or d.new_alerts
    with st.container(border=True, key="duty_banner"):
        text, queue_col, overdue_col = st.columns([6, 2, 2], vertical_alignment="center")
        headline = t("duty.headline", open=f"{d.open:,}", overdue=f"{d.overdue:,}", alerts=f"{d.new_alerts:,}")
        (text.warning if loud else text.info)(headline, icon=":material/notifications_active:")
        if queue_col.button(t("duty.open_queue"), key="duty_queue", use_container_width=True):
            _to_queue(overdue_only=False)
        if d.overdue and overdue_col.button(t("duty.overdue_queue"), key="duty_overdue", type="primary",
                                            use_container_width=True):
            _to_queue(overdue_only=True)
        if d.alerts:
            _alerts(user, d)


def _to_queue(overdue_only: bool) -> None:
    """The queue with the filters the banner counted by: open and in progress (and overdue only)."""
    st.session_state["q_status"] = ["open", "in_progress"]
    st.session_state["q_overdue"] = overdue_only
    st.switch_page(QUEUE)


def _alerts(user: User, d: model.Duty) -> None:
    with st.expander(t("duty.alerts", n=d.new_alerts)):
        for alert in d.alerts:
            line, button = st.columns([8, 2], vertical_alignment="center")
            when = format_ts(alert["raised_at"], data.settings().timezone, lang())
            kind = t(f"duty.kind.{alert['kind']}")
            line.markdown(f"{plain(kind)} · {plain(alert['title'])} · {plain(when)}")
            if user.can("triage"):
                button.button(t("duty.ack"), key=f"duty_ack_{alert['alert_id']}", on_click=_ack,
                              args=(user, alert["alert_id"]))


def _ack(user: User, alert_id: str) -> None:
    try:
        model.acknowledge(data.settings(), user, alert_id)
        st.toast(t("duty.acked"))
    except AlreadyAcknowledged as exc:
        st.toast(t("duty.already", who=plain(exc.by)))
    except AccessDenied:
        st.toast(t("duty.gone"))
