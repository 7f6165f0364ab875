"""Overview: the managers' dashboard. KPI cards against target and the previous period, then trends."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import streamlit as st

from models.kpis import headline_kpis
from models.periods import complete_days
from ui import analytics as an
from ui import charts, data, frame, lang, t
from ui.cards import kpi_grid
from ui.filters import current_scope

frame.ensure()

settings = data.settings()
chosen = current_scope()
today = datetime.now(settings.zone).date()
scope = complete_days(chosen, today) or chosen  # a day not over yet is not compared with whole days
st.title(t("overview.title"))
days = (scope.end - scope.start).days + 1
st.caption(t("overview.caption", start=scope.start, end=scope.end, days=days))
if chosen.end >= today:
    so_far = data.summary(replace(chosen, start=today, end=today)) if chosen.end >= today >= chosen.start else None
    st.info(t("overview.partial", today=today, orders=f"{(so_far or {}).get('orders') or 0:,}"),
            icon=":material/schedule:")

now = data.summary(scope)
if not now["orders"]:
    st.info(t("overview.empty"))
    st.stop()
before = data.summary(scope.previous()) if scope.end < today else {}  # today alone: nothing like-for-like

kpi_grid(headline_kpis(settings), now, before, settings.reporting_currency)
if now["orders_with_negative_durations"]:
    st.caption(t("kpi.negative_durations", n=now["orders_with_negative_durations"]))
if now["gmv_unconverted_orders"]:
    st.warning(t("kpi.gmv_unconverted", n=now["gmv_unconverted_orders"]))

left, right = st.columns(2)
with left:
    an.chart(charts.daily_orders(an.frame("daily_orders", scope), lang()), "daily_orders", "orders", "overview1",
             axes=("day", "channel"), measure="orders", by1="day", by2="channel")
with right:
    lead = an.frame("daily_lead_time", scope)
    an.chart(charts.lead_time(lead, settings.lead_time_target_hours, lang()),
             "lead_time", "lead_time", "overview2", axes=("day", None), measure="lead_time_median_h", by1="day")
    waiting = lead[lead["still_open"] > 0]
    st.caption(t("overview.lead_open", days=", ".join(f"{d:%m-%d}: {n:,}" for d, n in
                                                       zip(waiting["day"], waiting["still_open"], strict=True)))
               if len(waiting) else t("overview.lead_all_shipped"))
left, right = st.columns(2)
with left:
    exceptions = an.frame("exceptions_by_type", scope)
    if exceptions.empty:
        st.caption(t("overview.top_exceptions") + ": –")
    else:
        top_types = ",".join(exceptions["type"].head(10))
        an.chart(charts.exception_types(exceptions, lang()), "exception_types", "exceptions", "overview3",
                 axes=("type", None), measure="orders", by1="channel", exc=top_types)
with right:
    an.chart(charts.stage_durations(data.stage_durations(scope), lang()), "stages", "stages", "overview4",
             measure="lead_time_median_h", by1="warehouse")
