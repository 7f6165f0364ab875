"""Data quality: completeness, unmapped statuses, quarantine, duplicates, impossible durations, unreadable
files, and whether the sources agree on when an order shipped."""

from __future__ import annotations

import streamlit as st

from models.formatting import format_ratio
from ui import analytics as an
from ui import analytics_charts as ac
from ui import data, frame, lang, t, tables
from ui.access import current_access
from ui.filters import current_scope
from ui.text import plain

frame.ensure()

scope = current_scope()
st.title(t("quality.title"))
issues = an.frame("quality_issues", scope).iloc[0]
agreement = an.frame("quality_agreement", scope).iloc[0]
cols = st.columns(3)
cols[0].metric(t("quality.agreement"), format_ratio(agreement["agreement"]), border=True,
               help=t("quality.agreement_help", n=int(agreement["orders"])))
cols[1].metric(t("quality.unknown_status"), int(issues["unknown_status_orders"]), border=True,
               help=t("quality.unmapped_exceptions", n=int(issues["unmapped_exceptions"])))
cols[2].metric(t("quality.negative"), int(issues["negative_duration_orders"]), border=True)
cols = st.columns(3)
cols[0].metric(t("quality.sync_failures"), int(issues["sync_failures"]), border=True,
               help=t("quality.sync_vs_pulls", pulls=int(issues["failed_pulls"])))
st.caption(t("quality.sync_vs_pulls", pulls=int(issues["failed_pulls"])))
cols[1].metric(t("quality.quarantined"), int(issues["quarantined_payloads"]), border=True)
problems = data.db().problems
cols[2].metric(t("quality.unreadable"), len(problems), border=True)
for problem in problems:
    st.error(plain(problem, limit=None))
disagreeing = an.frame("status_disagreements", scope)
if not disagreeing.empty:  # the orders behind the agreement figure
    with st.expander(t("quality.disagreements", n=len(disagreeing))):
        tables.table(disagreeing, hide_index=True, key="dq_disagreements")

st.subheader(t("quality.completeness"))
completeness = an.frame("quality_completeness", scope)
if completeness.empty:
    st.info(t("analytics.empty"))
    st.stop()
year = st.selectbox(t("quality.year"), sorted(completeness["year"].unique(), reverse=True), key="dq_year")
part = completeness[completeness["year"] == year]
an.chart(ac.heatmap(part, "channel", "field", "completeness", t("quality.completeness"), percent=True, lang=lang()),
         "dq_completeness", "quality", "data_quality1", axes=("channel", None), measure="orders", by1="channel",
         by2="status")
low = part[part["completeness"] < 0.95]
if low.empty:
    st.success(t("quality.all_complete"))
else:
    tables.table(tables.readable(low).style.map(lambda _: "color: red", subset=["completeness"]), key="dq_low",
                 column_config={"completeness": st.column_config.NumberColumn(format="percent")})

unmapped = an.frame("quality_unmapped", scope)
if not unmapped.empty:
    st.subheader(t("quality.unmapped"))
    tables.table(unmapped, hide_index=True, key="dq_unmapped")
    an.drill("quality", "data_quality2", measure="orders", by1="channel", status="unknown")
for query, title in (("quality_unreadable_fields", "quality.unreadable_fields"),
                     ("quality_missing_fx", "quality.missing_fx")):
    found = an.frame(query, scope)
    if not found.empty:
        st.subheader(t(title))
        tables.table(found, hide_index=True, key=f"dq_{query}")
        if query == "quality_missing_fx":
            st.caption(t("quality.missing_fx_help"))
st.subheader(t("quality.duplicates"))
# Counting current rows reads every key of every table of the whole lake (seconds at millions of orders): on request.
if not current_access().unrestricted:  # the counts are of the whole lake
    st.caption(t("access.lake_wide"))
elif st.toggle(t("quality.count_duplicates"), key="dq_count_duplicates", help=t("quality.duplicates_help")):
    with st.spinner(t("quality.counting")):
        tables.table(an.frame("quality_duplicates", scope), hide_index=True, key="dq_duplicates")
