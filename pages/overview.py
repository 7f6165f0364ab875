"""Overview: the managers' dashboard. KPI cards against target and the previous period, then trends."""

from __future__ import annotations

import streamlit as st

from models.kpis import headline_kpis
from ui import analytics as an
from ui import charts, data, frame, lang, t
from ui.cards import kpi_grid
from ui.filters import current_scope

frame.ensure()

scope = current_scope()
settings = data.settings()
st.title(t("overview.title"))
days = (scope.end - scope.start).days + 1
st.caption(t("overview.caption", start=scope.start, end=scope.end, days=days))

now = data.summary(scope)
if not now["orders"]:
    st.info(t("overview.empty"))
    st.stop()
before = data.summary(scope.previous())

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
    an.chart(charts.lead_time(an.frame("daily_lead_time", scope), settings.lead_time_target_hours, lang()),
             "lead_time", "lead_time", "overview2", axes=("day", None), measure="lead_time_median_h", by1="day")
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
