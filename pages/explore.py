"""Explore: pick a measure, up to two group-bys and filters; get a table, a chart and the orders behind it.

Every chart's drill button (ui.analytics.drill) lands here with its grouping and filters set; the sidebar's
dates, channels and warehouses apply as on every page.
"""

from __future__ import annotations

import streamlit as st

from models.analytics import explore as ex
from models.auth import mask_frame
from models.exports import to_csv_bytes
from models.lifecycle import STATUSES
from models.schema import RETURN_REASONS
from ui import analytics as an
from ui import analytics_charts as ac
from ui import frame, lang, t, tables
from ui.auth import current_user
from ui.explore_sql import sql_box
from ui.filters import current_scope

frame.ensure()

an.take_drill()  # arriving from a chart's drill button: its grouping and filters, once
for key, default in (("ex_measure", "orders"), ("ex_by1", "day"), ("ex_by2", "none"), ("ex_status", []),
                     ("ex_exc", []), ("ex_reason", [])):
    st.session_state.setdefault(key, default)
scope = current_scope()
st.title(t("explore.title"))
st.caption(t("overview.caption", start=scope.start, end=scope.end, days=(scope.end - scope.start).days + 1))

cols = st.columns(3)
measure = cols[0].selectbox(t("explore.measure"), list(ex.MEASURES), key="ex_measure",
                            format_func=lambda m: t(f"kpi.{m}") if m in ex.MEASURES else m)
by1 = cols[1].selectbox(t("explore.by"), ex.DIMENSIONS, key="ex_by1", format_func=lambda d: t(f"dim.{d}"))
by2 = cols[2].selectbox(t("explore.by2"), ex.DIMENSIONS, key="ex_by2", format_func=lambda d: t(f"dim.{d}"))
cols = st.columns(3)
statuses = cols[0].multiselect(t("explore.status"), STATUSES, key="ex_status", placeholder=t("sidebar.all"),
                                format_func=tables.option_name("status"))
exc_options = sorted(set(st.session_state["ex_exc"]) | set(ex.EXCEPTION_TYPES))
exc_types = cols[1].multiselect(t("explore.exception"), exc_options, key="ex_exc", placeholder=t("sidebar.all"),
                                 format_func=tables.option_name("type"))
reasons = cols[2].multiselect(t("explore.reason"), RETURN_REASONS, key="ex_reason", placeholder=t("sidebar.all"),
                               format_func=tables.option_name("reason"))

query = ex.Query(by1, by2, tuple(statuses), tuple(exc_types), tuple(reasons))
grouped, orders = an.explore(scope, query)
if grouped.empty:
    st.info(t("explore.empty"))
else:
    fig = ac.bars(grouped, "g1", measure, t(f"kpi.{measure}"), color=None if by2 == "none" else "g2", lang=lang(),
                  dims=(by1, by2), scale=tables.money_scale(measure))
    an.chart(fig, "ex_chart", None, "explore", axes=(by1, None if by2 == "none" else by2), measure=measure, by1=by1,
             by2=by2, status=",".join(statuses), exc=",".join(exc_types), reason=",".join(reasons))
    shown = ["g1", *(["g2"] if by2 != "none" else []), measure, "orders"]
    headers = {"g1": t(f"dim.{by1}"), "g2": t(f"dim.{by2}"), measure: t(f"kpi.{measure}"), "orders": t("kpi.orders")}
    named = grouped.assign(**{g: grouped[g].map(lambda v, d=d: tables.value_name(d, v))
                              for g, d in (("g1", by1), ("g2", by2))})
    tables.table(named[list(dict.fromkeys(shown))], hide_index=True, key="ex_table", column_config=headers)
    user = current_user()
    role = user.role if user else None
    st.subheader(t("explore.orders", n=len(orders)))
    shown_orders = mask_frame(orders, role)
    tables.table(shown_orders, hide_index=True, key="ex_orders")
    if user is not None and user.can("export"):
        st.download_button(t("explore.csv"), to_csv_bytes(shown_orders), "orders.csv", "text/csv", key="ex_orders_csv")

sql_box(current_user())
