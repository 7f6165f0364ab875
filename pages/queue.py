"""Exception queue: what needs a person now, filtered and sorted; tick rows (or select all), act on them in
bulk, and see the first ticked exception's order beside the table."""

from __future__ import annotations

import streamlit as st

from models import triage
from models.exceptions import RESOLUTION_CODES, SEVERITIES, STATUSES
from models.triage_queries import QUEUE_FILTERS, counts_by_type, filter_queue
from ui import data, frame, queue_view, t, tables
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
if view.empty:
    st.info(t("queue.empty"))
    st.stop()

st.caption(t("queue.counts"))
queue_view.counts_table(counts_by_type(view))
ids = list(view["exception_id"])
versions = dict(zip(ids, map(ui.stamp, view["updated_at"]), strict=True))  # what the table shows, bound below
order_of = dict(zip(ids, view["order_id"], strict=True))
table_key = queue_view.table_key(versions)


def _sync_picked() -> None:
    """on_select of the table: the ticked rows become the exceptions the form acts on."""
    st.session_state["act_ids"] = [ids[r] for r in queue_view.selected_rows(table_key)]


def _edit(kind: str, exc_id: str, version: str | None, code: str, assignee: str, note: str) -> None:
    edits = {"take": lambda: triage.take(settings, user, exc_id, version),
             "resolve": lambda: triage.resolve(settings, user, exc_id, version, code, note),
             "dismiss": lambda: triage.dismiss(settings, user, exc_id, version, note),
             "assign": lambda: triage.assign(settings, user, exc_id, version, assignee),
             "note": lambda: triage.add_note(settings, user, exc_id, version, note),
             "approve": lambda: triage.review(settings, user, exc_id, version, True, note),
             "reject": lambda: triage.review(settings, user, exc_id, version, False, note)}
    edits[kind]()


def _refusal(picked: list[str], kind: str, code: str | None, note: str) -> str | None:
    """Why the whole form is refused before anything is saved: nothing picked, or a resolve it cannot do."""
    if not picked:
        return t("queue.none_selected")
    if kind == "resolve" and not code:
        return t("queue.code_needed")
    if kind == "resolve" and code in settings.resolution_codes_needing_note and not note.strip():
        return t("queue.note_needed", code=t(f"resolution.{code}"))
    return None


def _apply(shown: dict[str, str]) -> None:
    """on_click of the form: each picked exception is saved with the version the table showed when the form
    was drawn (bound then); one changed by someone else since is refused and the user told by whom."""
    picked, kind, code, assignee, note = (st.session_state.get(f"act_{k}") for k in
                                          ("ids", "kind", "code", "assignee", "note"))
    refusal = _refusal(picked or [], kind, code, note or "")
    if refusal:
        ui.flash("error", refusal)
        return
    done, conflicts, errors = 0, [], []
    for exc_id in picked:
        try:
            _edit(kind, exc_id, shown.get(exc_id), code, assignee or "", note or "")
            done += 1
        except triage.ConflictError as exc:
            conflicts.append(exc)
        except (triage.EditError, ValueError, PermissionError) as exc:
            errors.append(f"{plain(exc_id)}: {ui.edit_text(exc)}")
    if done:
        st.session_state["act_ids"] = []  # the table redraws unticked (its key follows the versions)
    for level, text in (("success", done and t("queue.done", n=done)),
                        ("warning", conflicts and ui.conflict_text(conflicts)), ("error", "\n\n".join(errors))):
        if text:
            ui.flash(level, text)


left, right = st.columns([5, 2], gap="medium")
with left:
    st.caption(t("queue.select_hint"))
    queue_view.table(view, table_key, _sync_picked)
with right:
    picked_now = [i for i in st.session_state.get("act_ids", []) if i in order_of]
    queue_view.order_beside(order_of[picked_now[0]] if picked_now else None, user)

if user.can("triage"):
    st.session_state["act_ids"] = picked_now  # drop ids the filters no longer show
    with left, st.form("queue_action"):
        st.multiselect(t("queue.pick"), ids, key="act_ids")
        st.radio(t("queue.action"), ["take", "resolve", "dismiss", "assign", "note", "approve", "reject"],
                 key="act_kind", horizontal=True, format_func=lambda k: t(f"queue.do.{k}"))
        resolution = tables.option_name("resolution")
        st.selectbox(t("queue.code"), RESOLUTION_CODES[:-1], key="act_code", format_func=resolution,
                     help=t("queue.note_needed_for", codes=", ".join(
                         resolution(c) for c in settings.resolution_codes_needing_note)))
        st.text_input(t("queue.assignee"), key="act_assignee")
        st.text_input(t("queue.note"), key="act_note")
        st.form_submit_button(t("queue.submit"), on_click=_apply, args=(versions,), type="primary")
