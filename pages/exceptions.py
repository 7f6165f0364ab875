"""Exceptions: counts and rates by type × channel × week, the Pareto of causes, aging and time to resolve."""

from __future__ import annotations

import streamlit as st

from models.formatting import format_hours
from models.i18n import exception_label
from ui import analytics as an
from ui import analytics_charts as ac
from ui import frame, lang, t, tables
from ui.filters import current_scope

frame.ensure()

scope = current_scope()
st.title(t("exceptions.title"))
pareto = an.frame("exceptions_pareto", scope)
if pareto.empty:
    st.info(t("exceptions.empty"))
    st.stop()

resolution = an.frame("exceptions_resolution", scope)
before = an.frame("exceptions_resolution", scope.previous())
total = resolution[resolution["type"].isna()].iloc[0]
prev = before[before["type"].isna()]
prev_raised = int(prev.iloc[0]["raised"]) if not prev.empty else None
cols = st.columns(3)
cols[0].metric(t("exceptions.raised"), f"{int(total['raised']):,}", border=True, help=t("kpi.vs_last"),
               delta=None if not prev_raised else f"{(total['raised'] / prev_raised - 1) * 100:+.1f}%",
               delta_color="inverse")
cols[1].metric(t("exceptions.open"), f"{int(total['open']):,}", border=True)
cols[2].metric(t("exceptions.mttr"), format_hours(total["mttr_h"], lang()), border=True,
               delta=None if prev.empty or prev.iloc[0]["mttr_h"] != prev.iloc[0]["mttr_h"]
               else f"{total['mttr_h'] - prev.iloc[0]['mttr_h']:+.1f} h", delta_color="inverse")

left, right = st.columns(2)
with left:
    an.chart(ac.pareto(pareto, lang()), "exc_pareto", "exceptions", "exceptions1", axes=("type", None),
             measure="orders", by1="channel", exc=pareto["type"].iloc[0])
with right:
    aging = an.frame("exceptions_aging", scope)
    an.chart(ac.bars(aging, "bucket", "open", t("exceptions.aging"), lang=lang()), "exc_aging", "exceptions",
             "exceptions2", measure="orders", by1="status", exc=",".join(pareto["type"]))

weekly = an.frame("exceptions_weekly", scope)
kind = st.selectbox(t("exceptions.type"), sorted(weekly["type"].unique()), key="exc_type",
                    format_func=lambda x: exception_label(x, lang()))
part = weekly[weekly["type"] == kind]
an.chart(ac.bars(part, "week", "rate", t("exceptions.rate_by_week", type=exception_label(kind, lang())),
                 color="channel", lang=lang()), "exc_weekly", "exceptions", "exceptions3", axes=("week", "channel"),
         measure="orders", by1="week", by2="channel", exc=kind)
STATES = ("raised", "open", "resolved", "auto_closed", "dismissed", "other")
st.caption(t("exceptions.states_add_up"))
table = resolution.assign(type=resolution["type"].map(lambda x: exception_label(x, lang()) if isinstance(x, str)
                                                      else t("exceptions.all_types")))
tables.grid(table[["type", *STATES, "mttr_h"]].rename(columns={c: t(f"exceptions.col.{c}") for c in
                                                                ("type", *STATES, "mttr_h")}),
             hide_index=True, key="exc_resolution",
             column_config={t("exceptions.col.mttr_h"): st.column_config.NumberColumn(format="%.1f")})
