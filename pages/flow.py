"""Flow efficiency: time per step, paid→shipped against target, the process map, paths and the bottleneck."""

from __future__ import annotations

import streamlit as st

from models.formatting import format_hours, format_ratio
from ui import analytics as an
from ui import analytics_charts as ac
from ui import charts, data, frame, lang, t, tables
from ui.filters import current_scope
from ui.text import plain

frame.ensure()

scope = current_scope()
settings = data.settings()
st.title(t("flow.title"))
daily = an.frame("flow_daily", scope)
if daily.empty:
    st.info(t("analytics.empty"))
    st.stop()

rework = an.frame("flow_rework", scope).iloc[0]
shipped = daily["shipped_orders"].sum()
within = (daily["within_target_rate"] * daily["shipped_orders"]).sum() / shipped if shipped else None
cols = st.columns(3)
cols[0].metric(t("flow.within_target", target=settings.lead_time_target_hours), format_ratio(within), border=True)
cols[1].metric(t("flow.rework_share"), format_ratio(rework["rework_share"]), border=True,
               help=t("flow.rework_help"))
cols[2].metric(t("flow.orders_traced"), f"{int(rework['orders']):,}", border=True)
st.caption(t("flow.within_vs_on_time", target=settings.lead_time_target_hours))

bottleneck = an.frame("flow_bottleneck", scope)
if not bottleneck.empty:
    top = bottleneck.iloc[0]
    change = top["change"]
    trend = t("flow.change", pct=f"{change * 100:+.0f}") if change == change and change is not None else ""
    stage = tables.value_name("stage", top["stage"])
    st.warning(t("flow.bottleneck", warehouse=plain(top["warehouse"]), stage=plain(stage),
                 hours=format_hours(top["median_h"], lang()), trend=trend), icon=":material/hourglass_top:")

left, right = st.columns(2)
with left:
    an.chart(charts.lead_time(daily, settings.lead_time_target_hours, lang()), "flow_lead", "lead_time", "flow1",
             axes=("day", None), measure="lead_time_median_h", by1="day")
with right:
    an.chart(ac.bars(daily, "day", "on_time_rate", t("flow.on_time"), lang=lang(), target=settings.on_time_target),
             "flow_on_time", "on_time", "flow2", axes=("day", None), measure="on_time_rate", by1="day", by2="channel")
    an.chart(ac.bars(daily, "day", "delivered_on_time_rate", t("flow.delivered_on_time"), lang=lang(),
                     target=settings.delivered_on_time_target), "flow_delivered_on_time", "delivered_on_time", "flow5",
             axes=("day", None), measure="delivered_on_time_rate", by1="day", by2="channel")

dim = st.segmented_control(t("flow.by"), ["day", "week", "channel", "warehouse"], default="week", key="flow_dim",
                           format_func=lambda d: t(f"dim.{d}"))
stat = st.segmented_control(t("flow.statistic"), ["median_h", "p90_h"], default="median_h", key="flow_stat",
                            format_func=lambda s: t(f"chart.{s[:-2]}"))
stages = an.frame("flow_stage_breakdown", scope)
part = stages[stages["dim"] == (dim or "week")]
an.chart(ac.heatmap(part, "key", "stage", stat or "median_h", t("flow.stage_hours"), lang=lang(),
                    dims=(dim or "week", "stage")), "flow_stages", "stages", "flow3", axes=(dim or "week", None),
         measure="lead_time_median_h", by1=dim or "week")

edges = an.frame("flow_transitions", scope)
if not edges.empty:
    an.chart(ac.process_map(edges, lang()), "flow_map", "process", "flow4", axes=("event", None), measure="orders",
             by1="status")
    with st.expander(t("flow.transitions")):
        tables.table(edges, hide_index=True, key="flow_edges")
st.subheader(t("flow.variants"))
tables.table(an.frame("flow_variants", scope), hide_index=True, key="flow_variants_table",
             column_config={"share": st.column_config.NumberColumn(format="percent")})
