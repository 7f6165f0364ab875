"""Order detail: the order's timeline, lines, raw payload, the rules that fired, exceptions and actions,
with the re-route and address-correction forms."""

from __future__ import annotations

import streamlit as st

from models import triage
from models.auth import mask_frame
from models.formatting import format_hours
from ui import cards, data, explain, frame, lang, t, tables
from ui import triage as ui
from ui.access import current_access
from ui.auth import require
from ui.text import cut, plain, receiver_line

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
    st.warning(t("access.order_missing", order_id=plain(order_id)))  # unknown and out of access read the same
    st.stop()
order = mask_frame(story["order"], user.role).iloc[0]

cols = st.columns(5)
cards.status_card(cols[0], t("order.status"), order["status"])
for col, field in zip(cols[1:], ("channel", "warehouse", "carrier", "total_cents"), strict=True):
    col.metric(t(f"order.{field}"), plain(tables.cell(order, field)) or "–")
st.caption(receiver_line(order))

st.subheader(t("order.timeline"))
timeline = story["timeline"].assign(  # as text: '1 d 4 h', and '–' before the first event (not 'None')
    h_since_previous=story["timeline"]["h_since_previous"].map(lambda h: format_hours(h, lang())))
tables.table(timeline, hide_index=True, key="order_timeline",
             column_config={"h_since_previous": st.column_config.TextColumn(t("order.h_since"))})
left, right = st.columns(2)
with left:
    st.subheader(t("order.lines"))
    tables.table(story["lines"], hide_index=True, key="order_lines")
with right:
    st.subheader(t("order.actions"))
    tables.table(story["order_actions"], hide_index=True, key="order_actions")
# full width: a rule's name and why it fired are long
st.subheader(t("order.rules"))
tables.table(explain.rule_hits(story["rule_hits"]), key="order_rules")
st.subheader(t("order.exceptions"))
tables.table(explain.exceptions(story["order_exceptions"]), key="order_exceptions")
with st.expander(t("order.raw")):
    for payload in story["raw"].itertuples():
        st.caption(plain(f"{payload.fetched_at} · {payload.kind} · {payload.sha256[:12]}"))
        st.code(payload.payload if user.can("view_pii") else t("order.raw_hidden"), language="json")


def _save(edit: object, order_id: str, version: str) -> None:
    """on_click of an edit form: save onto the order and version the form was loaded for (bound when it
    was drawn), whatever the order id field says now; the model refuses if that version is not current."""
    try:
        edit(order_id, version)
    except triage.ConflictError as exc:
        ui.flash("warning", ui.conflict_text([exc]))
    except (triage.EditError, PermissionError) as exc:
        ui.flash("error", ui.edit_text(exc))
    else:
        ui.flash("success", t("order.saved"))


def _reroute(key: str) -> object:
    def edit(order_id: str, version: str) -> None:
        warehouse, carrier, reason = ui.submitted(key, "warehouse", "carrier", "reason")
        triage.reroute(settings, user, order_id, version, warehouse or None, carrier or None, reason or "")
    return edit


def _correct(key: str) -> object:
    def edit(order_id: str, version: str) -> None:
        province, city, address, reason = ui.submitted(key, "province", "city", "address", "reason")
        triage.correct_address(settings, user, order_id, version, province or "", city or "", address or "",
                               reason or "")
    return edit


if user.can("triage"):
    version = ui.stamp(story["order"].iloc[0]["ingested_at"])
    left, right = st.columns(2)
    key = ui.form_key("reroute", order_id, version)
    with left, st.form(key):
        st.subheader(t("order.reroute"))
        warehouses = current_access().visible("warehouses", data.dimensions()["warehouses"])
        st.selectbox(t("order.warehouse"), ["", *warehouses], key=ui.field(key, "warehouse"))
        st.text_input(t("order.carrier"), key=ui.field(key, "carrier"))
        st.text_input(t("order.reason"), key=ui.field(key, "reason"))
        st.form_submit_button(t("order.reroute"), on_click=_save, args=(_reroute(key), order_id, version))
    key = ui.form_key("address", order_id, version)
    with right, st.form(key):
        st.subheader(t("order.address"))
        st.caption(t("order.address_hint"))
        for name, column in (("province", "province"), ("city", "city"), ("street", "address")):
            st.text_input(t(f"order.{name}"), value=cut(order[f"receiver_{column}"], None), key=ui.field(key, column))
        st.text_input(t("order.reason"), key=ui.field(key, "reason"))
        st.form_submit_button(t("order.address"), on_click=_save, args=(_correct(key), order_id, version))
