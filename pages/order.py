"""Order detail: the order's timeline, lines, raw payload, the rules that fired, exceptions and actions,
with the re-route and address-correction forms."""

from __future__ import annotations

import streamlit as st

from models import triage
from models.auth import mask_frame
from ui import data, frame, t
from ui import triage as ui
from ui.access import current_access
from ui.auth import require

frame.ensure()

user = require("view")
settings = data.settings()
st.title(t("order.title"))
ui.show_flash()
if "order_id" not in st.session_state and "order" in st.query_params:
    st.session_state["order_id"] = st.query_params["order"]
order_id = st.text_input(t("order.id"), key="order_id").strip()
if not order_id:
    st.info(t("order.pick"))
    st.stop()
story = ui.order_story(order_id)
if story["order"].empty:
    st.warning(t("access.order_missing", order_id=order_id))  # unknown and out of access read the same
    st.stop()
order = mask_frame(story["order"], user.role).iloc[0]
seen = ui.seen_versions("order")

cols = st.columns(5)
for col, field in zip(cols, ("status", "channel", "warehouse", "carrier", "total_cents"), strict=True):
    col.metric(t(f"order.{field}"), str(order[field]))
st.caption(f"{order['receiver_name']} · {order['receiver_phone']} · {order['receiver_province']} "
           f"{order['receiver_city']} {order['receiver_address']}")

st.subheader(t("order.timeline"))
st.dataframe(story["timeline"], hide_index=True, key="order_timeline",
             column_config={"h_since_previous": st.column_config.NumberColumn(t("order.h_since"), format="%.2f")})
left, right = st.columns(2)
with left:
    st.subheader(t("order.lines"))
    st.dataframe(story["lines"], hide_index=True, key="order_lines")
    st.subheader(t("order.rules"))
    st.dataframe(story["rule_hits"], hide_index=True, key="order_rules")
with right:
    st.subheader(t("order.exceptions"))
    st.dataframe(story["order_exceptions"], hide_index=True, key="order_exceptions")
    st.subheader(t("order.actions"))
    st.dataframe(story["order_actions"], hide_index=True, key="order_actions")
with st.expander(t("order.raw")):
    for payload in story["raw"].itertuples():
        st.caption(f"{payload.fetched_at} · {payload.kind} · {payload.sha256[:12]}")
        st.code(payload.payload if user.can("view_pii") else t("order.raw_hidden"), language="json")


def _submit(edit: object) -> None:
    """Run an edit with the version this page was loaded with; report and rerun."""
    try:
        edit(seen.get(order_id))
    except (triage.ConflictError, triage.EditError, PermissionError) as exc:
        st.error(str(exc))
        return
    ui.flash("success", t("order.saved"))
    st.rerun()


if user.can("triage"):
    left, right = st.columns(2)
    with left, st.form("reroute"):
        st.subheader(t("order.reroute"))
        warehouses = ["", *current_access().visible("warehouses", data.dimensions()["warehouses"])]
        warehouse = st.selectbox(t("order.warehouse"), warehouses, key="rr_warehouse")
        carrier = st.text_input(t("order.carrier"), key="rr_carrier")
        reason = st.text_input(t("order.reason"), key="rr_reason")
        if st.form_submit_button(t("order.reroute")):
            _submit(lambda v: triage.reroute(settings, user, order_id, v, warehouse or None, carrier or None, reason))
    with right, st.form("address"):
        st.subheader(t("order.address"))
        province = st.text_input(t("order.province"), value=order["receiver_province"] or "", key="ad_province")
        city = st.text_input(t("order.city"), value=order["receiver_city"] or "", key="ad_city")
        address = st.text_input(t("order.street"), value=order["receiver_address"] or "", key="ad_address")
        reason = st.text_input(t("order.reason"), key="ad_reason")
        if st.form_submit_button(t("order.address")):
            _submit(lambda v: triage.correct_address(settings, user, order_id, v, province, city, address, reason))
ui.remember_versions("order", [order_id], [story["order"].iloc[0]["ingested_at"]])
