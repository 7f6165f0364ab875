"""Exception queue: what needs a person now, filtered and sorted, with the take / resolve / dismiss forms."""

from __future__ import annotations

import streamlit as st

from models import triage
from models.exceptions import RESOLUTION_CODES, SEVERITIES, STATUSES
from models.i18n import exception_label
from models.triage_queries import QUEUE_FILTERS, counts_by_type, filter_queue
from ui import data, frame, lang, t, tables
from ui import triage as ui
from ui.auth import require
from ui.text import plain

frame.ensure()

user = require("view")
settings = data.settings()
st.title(t("queue.title"))
ui.show_flash()
df = ui.queue()

with st.expander(t("queue.filters"), expanded=True):
    cols = st.columns(3)
    choices = {}
    for i, column in enumerate(QUEUE_FILTERS):
        fixed = {"severity": list(SEVERITIES), "status": list(STATUSES)}
        options = fixed.get(column) or sorted(df[column].dropna().unique())
        default = ["open", "in_progress"] if column == "status" else []
        choices[column] = cols[i % 3].multiselect(t(f"queue.{column}"), options, default=default, key=f"q_{column}",
                                                   format_func=tables.option_name(column))
    max_age = cols[0].number_input(t("queue.max_age"), min_value=0, value=0, key="q_age")
    overdue_only = cols[1].checkbox(t("queue.overdue_only"), key="q_overdue")
    mine = cols[2].toggle(t("queue.mine"), key="q_mine")
view = filter_queue(df, choices, max_age or None, overdue_only, user.name if mine else None)

counts = counts_by_type(view)
st.caption(t("queue.counts"))
tables.table(counts.assign(type=counts["type"].map(lambda x: exception_label(x, lang()))), hide_index=True,
             key="queue_counts")
shown = view[["exception_id", "type", "severity", "status", "assignee", "order_id", "channel", "warehouse",
              "age_h", "due_at", "overdue", "note"]]
tables.table(tables.readable(shown).style.apply(
                 lambda r: ["background-color: #fde2e1" if r["overdue"] else "" for _ in r], axis=1),
             hide_index=True, key="queue_table", column_config={"age_h": st.column_config.NumberColumn(format="%.1f")})



def _edit(kind: str, exc_id: str, version: str | None, code: str, assignee: str, note: str) -> None:
    edits = {"take": lambda: triage.take(settings, user, exc_id, version),
             "resolve": lambda: triage.resolve(settings, user, exc_id, version, code, note),
             "dismiss": lambda: triage.dismiss(settings, user, exc_id, version, note),
             "assign": lambda: triage.assign(settings, user, exc_id, version, assignee),
             "note": lambda: triage.add_note(settings, user, exc_id, version, note),
             "approve": lambda: triage.review(settings, user, exc_id, version, True, note),
             "reject": lambda: triage.review(settings, user, exc_id, version, False, note)}
    edits[kind]()


def _apply(shown: dict[str, str]) -> None:
    """on_click of the form: each picked exception is saved with the version the table showed when the form
    was drawn (bound then); one changed by someone else since is refused and the user told by whom."""
    picked, kind, code, assignee, note = (st.session_state.get(f"act_{k}") for k in
                                          ("ids", "kind", "code", "assignee", "note"))
    done, conflicts, errors = 0, [], []
    for exc_id in picked or []:
        try:
            _edit(kind, exc_id, shown.get(exc_id), code, assignee or "", note or "")
            done += 1
        except triage.ConflictError as exc:
            conflicts.append(exc)
        except (triage.EditError, ValueError, PermissionError) as exc:
            errors.append(f"{plain(exc_id)}: {plain(exc, limit=None)}")
    for level, text in (("success", done and t("queue.done", n=done)), ("info", not picked and t("queue.none_picked")),
                        ("warning", conflicts and ui.conflict_text(conflicts)), ("error", "\n\n".join(errors))):
        if text:
            ui.flash(level, text)


if user.can("triage") and len(view):
    with st.form("queue_action"):
        st.multiselect(t("queue.pick"), list(view["exception_id"]), key="act_ids")
        st.radio(t("queue.action"), ["take", "resolve", "dismiss", "assign", "note", "approve", "reject"],
                 key="act_kind", horizontal=True, format_func=lambda k: t(f"queue.do.{k}"))
        st.selectbox(t("queue.code"), RESOLUTION_CODES[:-1], key="act_code",
                     format_func=tables.option_name("resolution"))
        st.text_input(t("queue.assignee"), key="act_assignee")
        st.text_input(t("queue.note"), key="act_note")
        st.form_submit_button(t("queue.submit"), on_click=_apply,
                              args=(dict(zip(view["exception_id"], map(ui.stamp, view["updated_at"]), strict=True)),))
