"""Reconciliation: one month per channel and shop — expected vs settled, the findings with the amounts at
stake and their orders, the buyers to watch, the workbook, and closing the month (admin)."""

from __future__ import annotations

import streamlit as st

from models.auth import mask_frame
from models.reconciliation.close import close_month, month_scope
from ui import analytics as an
from ui import data, frame, t, tables
from ui import reconciliation as rc
from ui.auth import current_user
from ui.filters import current_scope

frame.ensure()
user = current_user()
st.title(t("recon.title"))
month = st.selectbox(t("recon.month"), rc.months(), key="recon_month")
scope = month_scope(month, current_scope())
totals = an.frame("recon_totals", scope)
if totals.empty:
    st.info(t("recon.empty", month=month))
    st.stop()

frozen = rc.frozen(month, current_scope())
if not frozen.empty:
    st.caption(f":material/lock: {rc.closed_caption(frozen)}")
st.subheader(t("recon.totals"), help=t("recon.totals_help"))
rc.grid(totals, "recon_totals_table")

st.subheader(t("recon.findings"))
summary = an.frame("recon_findings_summary", scope)
if summary.empty:
    st.success(t("recon.no_findings"))
else:
    rc.grid(summary, "recon_summary_table")
    found = list(dict.fromkeys(summary["finding"]))
    finding = st.segmented_control(t("recon.pick_finding"), found, default=found[0], key="recon_finding",
                                   format_func=lambda f: t(f"exc.recon_{f}")) or found[0]
    part = an.frame("recon_finding_orders", scope, {"finding": finding, "row_limit": tables.PAGE_ROWS})
    st.caption(rc.orders_caption(finding, len(part), int(summary.loc[summary["finding"] == finding, "orders"].sum())))
    rc.grid(part.drop(columns=["finding"]), "recon_orders_table")
    rc.drill(finding, scope)

st.subheader(t("recon.buyers"))
watch = data.db().sql("select days, min_events from recon_buyer_watch").fetchone()
st.caption(t("recon.buyers_help", days=watch[0], n=watch[1]))
buyers = mask_frame(an.frame("recon_buyers", scope), user.role if user else None)
if buyers.empty:
    st.caption(t("recon.no_buyers"))
else:
    rc.grid(buyers, "recon_buyers_table")

st.download_button(t("recon.export"), rc.book(month, current_scope(), user.role if user else None),
                   f"reconciliation-{month}.xlsx", key="recon_export", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
if not summary.empty:
    st.caption(t("recon.export_help", n=f"{int(summary['orders'].sum()):,}"))

if not frozen.empty:
    st.subheader(t("recon.changes"))
    changed = rc.changes(month, current_scope())
    if changed.empty:
        st.caption(t("recon.no_changes"))
    else:
        rc.grid(changed, "recon_changes_table")

if user is not None and user.can("close_month"):
    with st.form("recon_close_form"):
        st.subheader(t("recon.close"))
        note = st.text_input(t("recon.close_note"), key="recon_close_note")
        if st.form_submit_button(t("recon.close_button", month=month), icon=":material/lock:"):
            if not note.strip():
                st.error(t("recon.close_need_note"))
            else:
                close_month(data.db(), data.settings().lake_dir, user, month, current_scope(), note)
                st.success(t("recon.closed_ok", month=month))
