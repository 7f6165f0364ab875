"""Rules (admin): edit the rule set, check it, replay it over recent orders, and only then save it."""

from __future__ import annotations

import hashlib

import streamlit as st

from models import actions
from models.i18n import exception_label
from models.rules import config
from models.rules.config import RulesError
from models.rules.replay import replay
from models.rules.store import active_rules, check
from ui import data, frame, lang, t
from ui.auth import require

frame.ensure()

user = require("edit_rules")
settings = data.settings()
st.title(t("rules.title"))
saved_text = config.read_text(settings)
st.caption(t("rules.caption", path=config.rules_path(settings), version=active_rules(settings).version))
rules = active_rules(settings)
st.dataframe([{"id": r.id, "kind": r.kind, "severity": r.severity, "owner": r.owner,
               "description": r.description(lang()), "when": r.when} for r in rules.rules],
             hide_index=True, key="rules_table")

text = st.text_area(t("rules.editor"), value=saved_text, height=400, key="rules_text")
days = st.number_input(t("rules.days"), min_value=1, max_value=90, value=7, key="rules_days")
digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
if st.button(t("rules.replay"), key="rules_replay"):
    try:
        edited = check(text)
    except RulesError as exc:
        st.session_state.pop("rules_replayed", None)
        for problem in exc.problems:
            st.error(problem)
    else:
        diff = replay(data.db(), rules, edited, int(days))
        st.session_state["rules_replayed"] = (digest, diff.summary())
        st.success(diff.summary())
        for column in ("warehouse", "carrier"):
            st.dataframe(diff.by_dimension(column), hide_index=True, key=f"rules_diff_{column}")
        st.dataframe(diff.changed, hide_index=True, key="rules_changed")
        for name, frame in (("added", diff.exceptions_added), ("removed", diff.exceptions_removed)):
            st.caption(t(f"rules.exceptions_{name}", n=len(frame)))
            counts = frame.groupby("type").size().rename("n").reset_index()
            counts["type"] = counts["type"].map(lambda x: exception_label(x, lang()))
            st.dataframe(counts, hide_index=True, key=f"rules_exc_{name}")

replayed = st.session_state.get("rules_replayed")
ready = replayed is not None and replayed[0] == digest and text != saved_text
reason = st.text_input(t("rules.reason"), key="rules_reason")
if st.button(t("rules.save"), key="rules_save", disabled=not ready, help=None if ready else t("rules.save_help")):
    config.save_text(settings, text)
    actions.record(settings.lake_dir, user, "rules_saved", "rules", "rules.toml", before={"toml": saved_text},
                   after={"toml": text}, reason=reason or replayed[1])
    st.session_state.pop("rules_replayed", None)
    st.success(t("rules.saved"))
