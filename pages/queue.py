"""Exception queue: what needs a person now, filtered and sorted, with the take / resolve / dismiss forms."""

from __future__ import annotations

import streamlit as st

from models import triage
from models.exceptions import RESOLUTION_CODES, SEVERITIES, STATUSES
from models.i18n import exception_label
from models.triage_queries import QUEUE_FILTERS, counts_by_type, filter_queue
from ui import data, frame, lang, t
from ui import triage as ui
from ui.auth import require

frame.ensure()

user = require("view")
settings = data.settings()
st.title(t("queue.title"))
ui.show_flash()
df = ui.queue()
seen = ui.seen_versions("queue")

with st.expander(t("queue.filters"), expanded=True):
    cols = st.columns(3)
    choices = {}
    for i, column in enumerate(QUEUE_FILTERS):
        fixed = {"severity": list(SEVERITIES), "status": list(STATUSES)}
        options = fixed.get(column) or sorted(df[column].dropna().unique())
        default = ["open", "in_progress"] if column == "status" else []
        choices[column] = cols[i % 3].multiselect(t(f"queue.{column}"), options, default=default, key=f"q_{column}")
    max_age = cols[0].number_input(t("queue.max_age"), min_value=0, value=0, key="q_age")
    overdue_only = cols[1].checkbox(t("queue.overdue_only"), key="q_overdue")
    mine = cols[2].toggle(t("queue.mine"), key="q_mine")
view = filter_queue(df, choices, max_age or None, overdue_only, user.name if mine else None)

counts = counts_by_type(view)
st.caption(t("queue.counts"))
st.dataframe(counts.assign(type=counts["type"].map(lambda x: exception_label(x, lang()))), hide_index=True,
             key="queue_counts")
shown = view[["exception_id", "type", "severity", "status", "assignee", "order_id", "channel", "warehouse",
              "age_h", "due_at", "overdue", "note"]]
st.dataframe(shown.style.apply(lambda r: ["background-color: #fde2e1" if r["overdue"] else "" for _ in r], axis=1),
             hide_index=True, key="queue_table", column_config={"age_h": st.column_config.NumberColumn(format="%.1f")})

if user.can("triage") and len(view):
    with st.form("queue_action"):
        picked = st.multiselect(t("queue.pick"), list(view["exception_id"]), key="act_ids")
        kind = st.radio(t("queue.action"), ["take", "resolve", "dismiss", "assign", "note", "approve", "reject"],
                        key="act_kind", horizontal=True, format_func=lambda k: t(f"queue.do.{k}"))
        code = st.selectbox(t("queue.code"), RESOLUTION_CODES[:-1], key="act_code")
        assignee = st.text_input(t("queue.assignee"), key="act_assignee")
        note = st.text_input(t("queue.note"), key="act_note")
        submitted = st.form_submit_button(t("queue.submit"))
    if submitted:
        edits = {"take": lambda i, v: triage.take(settings, user, i, v),
                 "resolve": lambda i, v: triage.resolve(settings, user, i, v, code, note),
                 "dismiss": lambda i, v: triage.dismiss(settings, user, i, v, note),
                 "assign": lambda i, v: triage.assign(settings, user, i, v, assignee),
                 "note": lambda i, v: triage.add_note(settings, user, i, v, note),
                 "approve": lambda i, v: triage.review(settings, user, i, v, True, note),
                 "reject": lambda i, v: triage.review(settings, user, i, v, False, note)}
        errors = []
        for exc_id in picked:
            try:
                edits[kind](exc_id, seen.get(exc_id))
            except (triage.ConflictError, triage.EditError, ValueError, PermissionError) as exc:
                errors.append(f"{exc_id}: {exc}")
        done = len(picked) - len(errors)
        ui.flash("error" if errors else "success", t("queue.done", n=done) + ("\n\n" + "\n\n".join(errors)
                                                                             if errors else ""))
        st.rerun()
ui.remember_versions("queue", df["exception_id"], df["updated_at"])
