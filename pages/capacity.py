"""Capacity: hourly intake against its trailing baseline, backlog against capacity, orders at risk, alerts."""

from __future__ import annotations

import streamlit as st

from models import alert_acks
from models.analytics.capacity import DEFAULT_RATE, Capacity, alerts, backlog_vs_capacity, load_capacity
from models.auth import User
from models.formatting import format_ts
from models.settings import ConfigError
from ui import analytics as an
from ui import analytics_charts as ac
from ui import data, frame, lang, t, tables
from ui.auth import current_user
from ui.filters import current_scope
from ui.text import plain
from ui.triage import flash, show_flash

frame.ensure()

scope = current_scope()
settings = data.settings()
st.title(t("capacity.title"))
show_flash()
hourly = an.frame("capacity_hourly", scope)
if not hourly["orders"].sum():
    st.info(t("analytics.empty"))
    st.stop()

an.chart(ac.intake(hourly, settings.capacity_alert_ratio, lang()), "capacity_intake", "intake", "capacity1",
         axes=("hour", None), measure="orders", by1="hour", by2="channel")
st.caption(t("capacity.rule", ratio=settings.capacity_alert_ratio))

try:
    capacity = load_capacity(settings.config_dir)
except ConfigError as exc:  # a broken capacity.toml must not take the page down: say so, use the defaults
    st.error(t("config.unreadable", error=plain(exc, limit=None)))
    capacity = Capacity({}, DEFAULT_RATE)
backlog = backlog_vs_capacity(an.frame("capacity_backlog", scope), capacity)
st.subheader(t("capacity.backlog"))
if backlog.empty:
    st.caption(t("capacity.no_backlog"))
else:
    an.chart(ac.bars(backlog, "warehouse", "orders", t("capacity.backlog"), color="waiting_for", lang=lang()),
             "capacity_backlog_chart", "backlog", "capacity2", axes=("warehouse", None), measure="orders",
             by1="warehouse", by2="status")
    tables.table(backlog, hide_index=True, key="capacity_backlog_table")
    st.caption(t("capacity.oldest_vs_clear"))


def _acknowledge(user: User, chosen: list[str]) -> None:
    """on_click of Acknowledge: the alerts the page showed as open; one already acknowledged is said, not redone.
    (Runs before the page: reading nothing through ui.data here keeps this run's lake version after the write.)"""
    done = 0
    for alert_id in chosen:
        try:
            alert_acks.acknowledge(settings, user, alert_id)
            done += 1
        except alert_acks.AlreadyAcknowledged as exc:
            flash("warning", t("capacity.already_acked", alert=plain(alert_id), who=plain(exc.by),
                               when=format_ts(exc.at, settings.timezone, lang())))
        except PermissionError as exc:
            flash("error", plain(exc, limit=None))
    if done:
        flash("success", t("capacity.acked", n=done))


alert_list = alerts(hourly, backlog, settings.lead_time_target_hours)
acked = an.frame("capacity_acknowledged", scope)
alert_list = alert_list.merge(acked, on="alert_id", how="left")
st.subheader(t("capacity.alerts"))
if alert_list.empty:
    st.success(t("capacity.no_alerts"))
else:
    tables.table(alert_list, hide_index=True, key="capacity_alert_table")
    user = current_user()
    open_ids = alert_list.loc[alert_list["user"].isna(), "alert_id"].tolist()
    if user is not None and user.can("triage") and open_ids:
        chosen = st.multiselect(t("capacity.to_ack"), open_ids, key="capacity_ack_ids")
        st.button(t("capacity.ack"), key="capacity_ack", disabled=not chosen, on_click=_acknowledge,
                  args=(user, chosen))
    elif open_ids:
        st.caption(t("capacity.ack_needs_ops"))

st.subheader(t("capacity.at_risk"))
risk = an.frame("capacity_at_risk", scope, {"row_limit": tables.PAGE_ROWS})
if risk.empty:
    st.caption(t("capacity.none_at_risk"))
else:
    if int(risk["total"].iloc[0]) > len(risk):
        st.caption(t("capacity.at_risk_first", shown=f"{len(risk):,}", total=f"{int(risk['total'].iloc[0]):,}"))
    tables.table(risk.drop(columns=["total"]), hide_index=True, key="capacity_risk_table")
