"""Manual intervention: how often people touch orders, against the ceiling, and which rules cause it."""

from __future__ import annotations

import streamlit as st

from models.formatting import format_ratio
from models.i18n import exception_label
from ui import analytics as an
from ui import analytics_charts as ac
from ui import data, frame, lang, t, tables
from ui.filters import current_scope

frame.ensure()

scope = current_scope()
target = data.settings().manual_rate_target
st.title(t("manual.title"))
weekly = an.frame("manual_weekly", scope)
if weekly.empty:
    st.info(t("analytics.empty"))
    st.stop()

rate = weekly["manual_orders"].sum() / weekly["orders"].sum()
st.metric(t("kpi.manual_rate"), format_ratio(rate), border=True,
          help=t("kpi.target_max", target=format_ratio(target)))
st.markdown(f":{'green' if rate <= target else 'red'}[{t('kpi.target_max', target=format_ratio(target))}]")
an.chart(ac.bars(weekly, "week", "manual_rate", t("manual.by_week"), color="channel", lang=lang(), target=target),
         "manual_weekly", "manual", "manual1", axes=("week", "channel"), measure="manual_rate", by1="week",
         by2="channel")

reasons = an.frame("manual_reasons", scope)
if reasons.empty:
    st.caption(t("manual.no_touches"))
    st.stop()
by_type = reasons.groupby("type", as_index=False)[["touches", "orders"]].sum().sort_values("touches")
by_type["label"] = [exception_label(x, lang()) if x != "none" else t("manual.no_exception") for x in by_type["type"]]
left, right = st.columns(2)
with left:
    causes = by_type["type"][by_type["type"] != "none"]
    an.chart(ac.bars(by_type, "label", "touches", t("manual.by_reason"), lang=lang()), "manual_reasons", "manual",
             "manual2", measure="manual_rate", by1="channel", exc=",".join(causes))
with right:
    by_rule = reasons.dropna(subset=["rule_id"]).groupby("rule_id", as_index=False)["touches"].sum()
    an.chart(ac.bars(by_rule.sort_values("touches"), "rule_id", "touches", t("manual.by_rule"), lang=lang()),
             "manual_rules", "manual", "manual3", measure="orders", by1="week")
tables.table(reasons, hide_index=True, key="manual_table",
             column_config={"rate": st.column_config.NumberColumn(format="percent")})
