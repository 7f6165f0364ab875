"""Inventory: available-to-sell by SKU × warehouse, reservations, oversells, a SKU's history, transfers."""

from __future__ import annotations

import streamlit as st

from models.inventory.queries import transfers
from ui import frame, lang, t, tables
from ui import inventory as inv
from ui.auth import current_user
from ui.filters import current_scope
from ui.text import plain

frame.ensure()

scope = current_scope()
user = current_user()
cfg, problem = inv.load_config()
st.title(t("inventory.title"))
if problem:
    st.error(t("config.unreadable", error=plain(problem, limit=None)))
grid = inv.read("grid", cfg, scope.warehouses)
if grid.empty:
    st.info(t("inventory.empty"))
    st.stop()

low = grid[grid["is_low"]]
c1, c2, c3 = st.columns(3)
c1.metric(t("inventory.skus"), f"{grid['sku'].nunique():,}")
c2.metric(t("inventory.low"), f"{len(low):,}")
c3.metric(t("inventory.units_available"), f"{int(grid['available'].clip(lower=0).sum()):,}")

st.subheader(t("inventory.grid"))
st.caption(t("inventory.grid_help", days=f"{cfg.low_stock_days:g}", window=cfg.sales_window_days))
tables.grid(
    grid.style.apply(lambda r: ["background-color: #fde2e1" if r["is_low"] else "" for _ in r], axis=1)
    .format({"daily_rate": "{:.2f}", "days_of_cover": "{:.1f}"}, na_rep="–"),
    hide_index=True, key="inventory_grid", column_config=inv.columns(grid))

st.subheader(t("inventory.transfers"))
moves = transfers(grid, cfg)
if moves.empty:
    st.caption(t("inventory.no_transfers"))
else:
    tables.grid(moves, hide_index=True, key="inventory_transfers",
                 column_config=inv.columns(moves))

st.subheader(t("inventory.history"))
sku = st.selectbox(t("inventory.sku"), sorted(grid["sku"].unique()), key="inventory_sku")
st.plotly_chart(inv.history_chart(inv.read("history", cfg, scope.warehouses, sku), lang()), key="inventory_chart")

st.subheader(t("inventory.reservations"))
held = inv.read("reservations", cfg, scope.warehouses)
st.caption(t("inventory.reservations_help", n=len(held)))
tables.grid(held, hide_index=True, key="inventory_reservations", column_config=inv.columns(held))

st.subheader(t("inventory.oversells"))
if user is None or not user.access.unrestricted:  # they name orders of every channel: unrestricted users only
    st.caption(t("inventory.oversells_restricted"))
else:
    over = inv.read("oversells", cfg, ())
    if over.empty:
        st.caption(t("inventory.no_oversells"))
    else:
        tables.grid(over, hide_index=True, key="inventory_oversells",
                     column_config=inv.columns(over))

st.subheader(t("inventory.pushed"))
pushed = inv.pushed()
if pushed.empty:
    st.caption(t("inventory.push_none"))
else:
    tables.table(pushed, key="inventory_pushed", hide_index=True)
