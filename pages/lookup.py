"""Order lookup, the customer-service page: one search box (internal id, platform order id, tracking number,
and receiver phone for roles that may see it), a list when several orders match, then the chosen order as
the order detail page reads it, with every event's source, the time spent in each step and the carrier's
latest status in words."""

from __future__ import annotations

import streamlit as st

from models.auth import mask_frame
from models.channels import channel_name
from ui import cards, frame, lang, t, tables, triage
from ui import lookup as ui
from ui.auth import require
from ui.text import plain, receiver_line

frame.ensure()

user = require("view")
st.title(t("lookup.title"))
if "lookup_text" not in st.session_state and "q" in st.query_params:
    st.session_state["lookup_text"] = st.query_params["q"]
prompt = t("lookup.search_pii" if user.can("view_pii") else "lookup.search")
text = st.text_input(prompt, key="lookup_text", placeholder=t("lookup.hint")).strip()
if not text:
    st.info(t("lookup.hint"))
    st.stop()
found = ui.search(text, user)
if found.empty:
    st.warning(t("lookup.none", text=plain(text)))  # unknown and out of access read the same
    st.stop()
order_id = found["order_id"].iloc[0]
if len(found) > 1:
    st.caption(t("lookup.matches", n=len(found), limit=ui.lookup.LIMIT))
    tables.table(ui.matches(found), hide_index=True, key="lookup_matches")
    order_id = st.selectbox(t("lookup.pick"), list(found["order_id"]), key="lookup_pick")

story = triage.order_story(order_id)
if story["order"].empty:  # gone from the lake (or the access) since the search
    st.warning(t("lookup.none", text=plain(order_id)))
    st.stop()
order = mask_frame(story["order"], user.role).iloc[0]
st.subheader(plain(order_id))
cols = st.columns(4)
cards.status_card(cols[0], t("lookup.stage"), order["status"])
cols[1].metric(t("order.channel"), plain(channel_name(order["channel"], lang())) if order["channel"] else "–")
cols[2].metric(t("order.carrier"), plain(order["carrier"]) or "–")
cols[3].metric(t("lookup.tracking_no"), plain(order["tracking_no"]) or "–")
st.caption(receiver_line(order))
st.info(f"{t('lookup.carrier_latest')}: {ui.carrier_words(story['timeline'])}")

st.subheader(t("lookup.timeline"))
tables.table(ui.timeline(story["timeline"]), hide_index=True, key="lookup_timeline",
             column_config={t("lookup.occurred_at"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
left, right = st.columns(2)
with left:
    st.subheader(t("order.lines"))
    tables.table(ui.section(story, "lines"), hide_index=True, key="lookup_lines")
with right:
    st.subheader(t("lookup.open_exceptions"))
    tables.table(ui.section(story, "order_exceptions"), hide_index=True, key="lookup_exceptions")
    st.subheader(t("order.actions"))
    tables.table(ui.section(story, "order_actions"), hide_index=True, key="lookup_actions")
with st.expander(t("order.raw")):
    for payload in story["raw"].itertuples():
        st.caption(plain(f"{payload.fetched_at} · {payload.kind} · {payload.sha256[:12]}"))
        st.code(payload.payload if user.can("view_pii") else t("order.raw_hidden"), language="json")
