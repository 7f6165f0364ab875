"""Rules (admin): edit the rule set, check it, replay it over recent orders, and only then save it."""

from __future__ import annotations

import hashlib

import streamlit as st

from models.i18n import exception_label
from models.rules import config
from models.rules.config import RulesError
from models.rules.replay import replay
from models.rules.store import active_rules, check
from models.versions import ConflictError
from ui import data, frame, lang, t, tables
from ui import triage as ui
from ui.auth import require
from ui.text import plain

frame.ensure()

user = require("edit_rules")
settings = data.settings()
st.title(t("rules.title"))
ui.show_flash()
saved_text = config.read_text(settings)
st.caption(t("rules.caption", path=plain(config.rules_path(settings), limit=None),
                     version=plain(active_rules(settings).version)))
rules = active_rules(settings)
tables.table([{"id": r.id, "kind": r.kind, "severity": r.severity, "owner": r.owner,
               "description": r.description(lang()), "when": r.when} for r in rules.rules],
             hide_index=True, key="rules_table")

version = config.text_version(saved_text)
editor = f"rules_text:{version}"  # a new editor for every saved version: value= is what is in force now
text = st.text_area(t("rules.editor"), value=saved_text, height=400, key=editor)
days = st.number_input(t("rules.days"), min_value=1, max_value=90, value=7, key="rules_days")
digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
if st.button(t("rules.replay"), key="rules_replay"):
    try:
        edited = check(text)
    except RulesError as exc:
        st.session_state.pop("rules_replayed", None)
        for problem in exc.problems:
            st.error(plain(problem, limit=None))
    else:
        diff = replay(data.db(), rules, edited, int(days))
        st.session_state["rules_replayed"] = (digest, diff.summary())
        st.success(plain(diff.summary(), limit=None))
        for column in ("warehouse", "carrier"):
            tables.table(diff.by_dimension(column), hide_index=True, key=f"rules_diff_{column}")
        tables.table(diff.changed, hide_index=True, key="rules_changed")
        for name, frame in (("added", diff.exceptions_added), ("removed", diff.exceptions_removed)):
            st.caption(t(f"rules.exceptions_{name}", n=len(frame)))
            counts = frame.groupby("type").size().rename("n").reset_index()
            counts["type"] = counts["type"].map(lambda x: exception_label(x, lang()))
            tables.table(counts, hide_index=True, key=f"rules_exc_{name}")

replayed = st.session_state.get("rules_replayed")
ready = replayed is not None and replayed[0] == digest and text != saved_text
st.text_input(t("rules.reason"), key="rules_reason")


def _save(loaded: str, editor: str, replayed: tuple[str, str]) -> None:
    """on_click of Save: the text of the editor drawn for version `loaded`, refused if someone saved since
    or if it is not the text that was replayed (edited in the same click)."""
    text = st.session_state[editor]
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != replayed[0]:
        ui.flash("error", t("rules.save_help"))
        return
    try:
        config.save(settings, user, text, loaded, st.session_state.get("rules_reason") or replayed[1])
    except ConflictError as exc:
        ui.flash("warning", ui.conflict_text([exc]))
        return
    except PermissionError as exc:
        ui.flash("error", plain(exc, limit=None))
        return
    st.session_state.pop("rules_replayed", None)
    ui.flash("success", t("rules.saved"))


st.button(t("rules.save"), key="rules_save", disabled=not ready, help=None if ready else t("rules.save_help"),
          on_click=_save, args=(version, editor, replayed if ready else ("", "")))
