"""The console's login: a form (or Streamlit OIDC when configured), the signed-in user, role checks.

    login_gate()            # app.py, before navigation: draws the login form and stops until signed in
    user = current_user()   # User(name, role) or None
    require("triage")       # in a page: a clear message and st.stop() when the role may not

OIDC: put an `[auth]` section in `.streamlit/secrets.toml` (redirect_uri, cookie_secret, client_id,
client_secret, server_metadata_url: see Streamlit's `st.login` docs). The provider proves who someone is;
their role still comes from users.toml, where the user name is their e-mail address
(`python -m models.auth add-user alice@example.com --role ops`). Without `[auth]`, the password form is used.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from models import auth
from models.auth import User
from ui import data, t

SESSION_KEY = "user"
# Pages (by url path) that need more than "view"; every page re-checks with require() too.
PAGE_PERMISSIONS = {"rules": "edit_rules", "users": "manage_users", "audit": "view_audit"}


def current_user() -> User | None:
    """The signed-in user of this session, or None."""
    user = st.session_state.get(SESSION_KEY)
    return user if isinstance(user, User) else None


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: Streamlit raises its own FileNotFoundError subclass
        return False


def _oidc_user() -> User | None:
    """The OIDC identity mapped to a users.toml entry by e-mail; None when not signed in there."""
    if not st.user.is_logged_in:
        return None
    email = str(st.user.get("email", "")).lower()
    entry = auth.users(data.settings()).get(email)
    if entry is None:
        st.error(t("auth.oidc_unknown", email=email))
        st.button(t("auth.logout"), key="oidc_logout", on_click=st.logout)
        st.stop()
    return auth.user_from_entry(email, entry)


def _login_form() -> None:
    st.title(t("auth.title"))
    if _oidc_configured():
        st.button(t("auth.oidc"), key="oidc_login", on_click=st.login)
    with st.form("login"):
        name = st.text_input(t("auth.name"), key="login_name")
        password = st.text_input(t("auth.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("auth.submit"))
    if not submitted:
        return
    try:
        user = auth.verify(name, password, data.settings())
    except auth.LoginLocked as exc:
        st.error(str(exc))
        return
    if user is None:
        st.error(t("auth.failed"))
        return
    st.session_state[SESSION_KEY] = user
    st.rerun()


def login_gate() -> User:
    """Return the signed-in user; otherwise draw the login form and stop the script."""
    user = current_user() or (_oidc_user() if _oidc_configured() else None)
    if user:
        st.session_state[SESSION_KEY] = user
        return user
    # The sign-in form as the only, hidden page: it also replaces any page list an earlier run showed
    # (Streamlit's legacy pages/ mode draws one on a fresh server), so nothing is listed before sign-in.
    st.navigation([st.Page(_login_form, title=t("auth.title"), url_path="signin")], position="hidden").run()
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")


def logout() -> None:
    st.session_state.pop(SESSION_KEY, None)
    if _oidc_configured() and st.user.is_logged_in:
        st.logout()


def user_box(user: User) -> None:
    """Sidebar: who is signed in, with which role, and a log-out button."""
    with st.sidebar:
        st.caption(t("auth.signed_in", name=user.name, role=t(f"role.{user.role}")))
        st.button(t("auth.logout"), key="logout", on_click=logout)


def require(action: str) -> User:
    """The user, when their role may do `action`; otherwise a clear message and st.stop()."""
    user = current_user()
    if user is None or not user.can(action):
        role = t(f"role.{user.role}") if user else "–"
        st.error(t("auth.denied", role=role, action=t(f"perm.{action}")))
        st.stop()
    return user


def allowed_pages(pages: dict[str, list[Any]], user: User) -> dict[str, list[Any]]:
    """Sections → the pages this user's role may open, translated; empty sections left out."""
    out = {}
    for section, entries in pages.items():
        visible = [p for p in entries if user.can(PAGE_PERMISSIONS.get(p.url_path, "view"))]
        if visible:
            out[t(section)] = visible
    return out
