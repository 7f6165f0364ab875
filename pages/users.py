"""Users (admin): who may sign in, with which role and access scope; add people, change roles and scopes,
reset passwords. Each form carries the entries it showed; models/accounts.py refuses a change onto an entry
that changed since."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from models import accounts, auth
from models.access import DIMENSIONS, Access
from ui import data, frame, t, tables
from ui import triage as ui
from ui.access import describe
from ui.auth import require
from ui.text import plain

frame.ensure()

user = require("manage_users")
settings = data.settings()
st.title(t("users.title"))
ui.show_flash()
table = auth.users(settings)
shown = {name: auth.entry_fingerprint(entry) for name, entry in table.items()}  # what this run draws
tables.table([{"name": n, "role": e["role"], "access": describe(Access.from_entry(e)),
               "created_at": e.get("created_at")} for n, e in sorted(table.items())],
             hide_index=True, key="users_table", column_config={"access": t("access.column")})


def _field(name: str) -> str:
    return t(f"access.{name}") if name in DIMENSIONS else t("users.role" if name == "role" else f"users.field_{name}")


def _run(change: Callable[[], object], target: str) -> None:
    """Run a change (model functions check the role and audit it) and say how it went on the next run."""
    try:
        change()
    except auth.UserChanged as exc:
        ui.flash("warning", t("users.changed", name=plain(exc.name), fields=", ".join(map(_field, exc.changed))))
    except (auth.AuthError, PermissionError) as exc:
        ui.flash("error", plain(exc, limit=None))
    else:
        ui.flash("success", t("users.saved", name=plain(target)))


def _add() -> None:
    name, role, password = (st.session_state.get(k) or "" for k in ("ua_name", "ua_role", "ua_password"))
    _run(lambda: accounts.add(settings, user, name, role, password), name)


def _change(shown: dict[str, dict]) -> None:
    """on_click of the role/password form: `shown` is every entry as the form's run drew it."""
    target, role, password = (st.session_state.get(k) for k in ("uc_name", "uc_role", "uc_password"))

    def change() -> None:
        expected = shown.get(target)
        if role:
            expected = accounts.change_role(settings, user, target, role, expected)
        if password:
            accounts.reset_password(settings, user, target, password, expected)
    if target and (role or password):
        _run(change, target)


def _scope(name: str, expected: dict) -> None:
    """on_click of a scope form: saved onto the entry that form showed."""
    new = Access(*(tuple(st.session_state.get(f"us_{dim}_{name}") or ()) for dim in DIMENSIONS))
    _run(lambda: accounts.change_access(settings, user, name, new, expected), name)


left, right = st.columns(2)
with left, st.form("user_add"):
    st.subheader(t("users.add"))
    st.text_input(t("auth.name"), key="ua_name")
    st.selectbox(t("users.role"), auth.ROLES, key="ua_role", format_func=tables.option_name("role"))
    st.text_input(t("auth.password"), type="password", key="ua_password")
    st.form_submit_button(t("users.add"), on_click=_add)
with right, st.form("user_change"):
    st.subheader(t("users.change"))
    st.selectbox(t("auth.name"), sorted(table), key="uc_name")
    st.selectbox(t("users.role"), ["", *auth.ROLES], key="uc_role", format_func=tables.option_name("role"))
    st.text_input(t("users.new_password"), type="password", key="uc_password")
    st.form_submit_button(t("users.change"), on_click=_change, args=(shown,))


def _scope_form(name: str) -> None:
    """The access scope of one user; widget keys carry the name, so a form submits for the user it showed."""
    old = Access.from_entry(table[name])
    dims = data.dimensions()
    with st.form(f"user_scope_{name}"):
        cols = st.columns(3)
        for i, dim in enumerate(DIMENSIONS):
            cols[i].multiselect(t(f"access.{dim}"), sorted({*dims[dim], *getattr(old, dim)}),
                                default=list(getattr(old, dim)), key=f"us_{dim}_{name}", placeholder=t("sidebar.all"),
                                format_func=tables.option_name(dim[:-1]))
        st.form_submit_button(t("access.save"), on_click=_scope, args=(name, shown[name]))


st.subheader(t("access.title"))
st.caption(t("access.help"))
scoped = st.selectbox(t("auth.name"), sorted(table), key="us_name")
if scoped:
    _scope_form(scoped)
