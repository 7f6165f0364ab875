"""Packing station: for shops without a warehouse system. A barcode scanner types an order id or tracking
number and Enter; each scan confirms the chosen step (picked, packed, handed to carrier) for that parcel and
says at once, in colour, when the order must not move on. The Pick lists tab prints a warehouse's wave."""

from __future__ import annotations

import streamlit as st

from ui import data, frame, t
from ui import packing as ui
from ui.auth import require

frame.ensure()

user = require("triage")
settings = data.settings()
st.title(t("pack.title"))
scan_tab, pick_tab = st.tabs([t("pack.tab_scan"), t("pack.tab_pick")])
with scan_tab:
    ui.show_flash()
    ui.scan_box(settings, user)
    ui.show_verdict()
    ui.recent(settings, user)
with pick_tab:
    ui.pick_lists(settings, user)
