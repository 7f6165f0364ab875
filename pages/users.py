"""Users (admin): who may sign in, with which role and access scope; add people, change roles and scopes,
reset passwords."""

from __future__ import annotations

import streamlit as st

from models import actions, auth
from models.access import DIMENSIONS, Access
from ui import data, frame, t
from ui.access import describe
from ui.auth import require
from ui.text import plain

frame.ensure()

user = require("manage_users")
settings = data.settings()
st.title(t("users.title"))
table = auth.users(settings)
st.dataframe([{"name": n, "role": e["role"], "access": describe(Access.from_entry(e)),
               "created_at": e.get("created_at")} for n, e in sorted(table.items())],
             hide_index=True, key="users_table", column_config={"access": t("access.column")})


def _apply(action: str, target: str, change: object, after: dict, before: dict | None = None) -> None:
    """Run a user change; audit it (never the password) or say what was wrong."""
    try:
        change()
    except auth.AuthError as exc:
        st.error(plain(exc, limit=None))
        return
    actions.record(settings.lake_dir, user, action, "user", target, before=before, after=after)
    st.success(t("users.saved", name=plain(target)))


left, right = st.columns(2)
with left, st.form("user_add"):
    st.subheader(t("users.add"))
    name = st.text_input(t("auth.name"), key="ua_name")
    role = st.selectbox(t("users.role"), auth.ROLES, key="ua_role")
    password = st.text_input(t("auth.password"), type="password", key="ua_password")
    if st.form_submit_button(t("users.add")):
        _apply("user_added", name, lambda: auth.add_user(name, role, password, settings), {"role": role})
with right, st.form("user_change"):
    st.subheader(t("users.change"))
    target = st.selectbox(t("auth.name"), sorted(table), key="uc_name")
    new_role = st.selectbox(t("users.role"), ["", *auth.ROLES], key="uc_role")
    new_password = st.text_input(t("users.new_password"), type="password", key="uc_password")
    if st.form_submit_button(t("users.change")) and target:
        if new_role:
            _apply("role_changed", target, lambda: auth.set_role(target, new_role, settings), {"role": new_role})
        if new_password:
            _apply("password_reset", target, lambda: auth.set_password(target, new_password, settings), {})


def _scope_form(name: str) -> None:
    """The access scope of one user; widget keys carry the name, so a form submits for the user it showed."""
    old = Access.from_entry(table[name])
    dims = data.dimensions()
    with st.form(f"user_scope_{name}"):
        cols = st.columns(3)
        picked = {dim: cols[i].multiselect(t(f"access.{dim}"), sorted({*dims[dim], *getattr(old, dim)}),
                                           default=list(getattr(old, dim)), key=f"us_{dim}_{name}",
                                           placeholder=t("sidebar.all"))
                  for i, dim in enumerate(DIMENSIONS)}
        if st.form_submit_button(t("access.save")):
            new = Access(*(tuple(picked[dim]) for dim in DIMENSIONS))
            _apply("scope_changed", name, lambda: auth.set_access(name, new, settings), new.as_dict(), old.as_dict())


st.subheader(t("access.title"))
st.caption(t("access.help"))
scoped = st.selectbox(t("auth.name"), sorted(table), key="us_name")
if scoped:
    _scope_form(scoped)
