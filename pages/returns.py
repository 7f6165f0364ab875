"""Returns: reason × product category × week, and the reasons whose share moved most."""

from __future__ import annotations

import streamlit as st

from ui import analytics as an
from ui import analytics_charts as ac
from ui import frame, lang, t
from ui.filters import current_scope
from ui.text import plain

frame.ensure()

scope = current_scope()
st.title(t("returns.title"))
heat = an.frame("returns_heatmap", scope)
if heat.empty:
    st.info(t("returns.empty"))
    st.stop()

view = st.segmented_control(t("returns.view"), ["week", "category"], default="week", key="returns_view",
                            format_func=lambda v: t(f"dim.{v}"))
heat["reason"] = [t(f"reason.{r}") for r in heat["reason_code"]]
categories = sorted(heat["category"].unique())
chosen = st.multiselect(t("returns.categories"), categories, key="returns_categories", placeholder=t("sidebar.all"))
part = heat[heat["category"].isin(chosen)] if chosen else heat
reasons = ",".join(part["reason_code"].unique())
an.chart(ac.heatmap(part, view or "week", "reason", "units", t("returns.heatmap"), lang=lang()), "returns_heat",
         "returns", "returns1", axes=(view or "week", None), measure="orders", by1="week", by2="channel",
         reason=reasons)

movers = an.frame("returns_movers", scope)
movers["reason"] = [t(f"reason.{r}") for r in movers["reason_code"]]
st.subheader(t("returns.movers"))
top = movers.head(5)
cols = st.columns(len(top))
for col, row in zip(cols, top.itertuples(), strict=True):
    col.metric(plain(row.reason), f"{(row.share or 0) * 100:.1f}%", delta=f"{row.share_change * 100:+.1f} pt",
               delta_color="inverse", border=True)
an.chart(ac.bars(movers.sort_values("share_change"), "reason_code", "share_change", t("returns.movers"), lang=lang()),
         "returns_movers_chart", "returns", "returns2", axes=("reason", None), measure="orders", by1="channel",
         reason=movers["reason_code"].iloc[0])
