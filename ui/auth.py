"""The console's login: a form (or Streamlit OIDC when configured), the signed-in user, role checks.

    login_gate(PAGES)       # app.py, before navigation: draws the login form and stops until signed in
    user = current_user()   # User(name, role) or None
    require("triage")       # in a page: a clear message and st.stop() when the role may not

OIDC: put an `[auth]` section in `.streamlit/secrets.toml` (redirect_uri, cookie_secret, client_id,
client_secret, server_metadata_url: see Streamlit's `st.login` docs). The provider proves who someone is;
their role still comes from users.toml, where the user name is their e-mail address
(`python -m models.auth add-user alice@example.com --role ops`). Without `[auth]`, the password form is used.

A sign-in is remembered across reloads and tabs (`session_remember_hours`): models/sessions.py issues a
signed token, the browser gets it as an HTTP-only cookie from ui/session_routes.py (served by console.py),
and a new browser session resumes from it. A link opened signed-out shows the sign-in form at that very
address and, once signed in, the page it named (placeholders with the pages' URL paths, so no "page not
found").

Every run re-reads the signed-in user from users.toml (cached by file identity): a role change applies at
once; a password reset, a deleted user or `session_idle_minutes` without a click signs the session out.
"""

from __future__ import annotations

import json
import time
from typing import Any

import streamlit as st

from models import auth, sessions
from models.auth import User
from ui import data, t

SESSION_KEY = "user"
SEEN_KEY = "user_session"  # {"fp": password fingerprint at sign-in, "seen": epoch seconds of the last run}
NOTICE_KEY = "auth_notice"  # why the last session ended, shown once on the sign-in form
SID_KEY = "auth_sid"  # the remembered session's id (models/sessions.py), revoked on sign-out
HANDOFF_KEY = "auth_handoff"  # one-time code the browser exchanges for the cookie, once, after sign-in
CLEAR_KEY = "auth_clear_cookie"  # after sign-out: the browser deletes the cookie


def current_user() -> User | None:
    """The signed-in user of this session as users.toml has them now, or None (see `_recheck`).

    Checked on every call, not only in app.py's gate: a page may run without app.py (Streamlit's legacy
    pages/ mode, AppTest's switch_page), and its require() must still see today's role.
    """
    user = st.session_state.get(SESSION_KEY)
    return _recheck(user) if isinstance(user, User) else None


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


def client_address() -> str | None:
    """The browser's address for sign-in limits: the proxy's X-Forwarded-For only when trusted."""
    if data.settings().trust_forwarded_for:
        forwarded = st.context.headers.get("X-Forwarded-For")
        if isinstance(forwarded, str) and forwarded.split(",")[-1].strip():
            return forwarded.split(",")[-1].strip()
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # None: a local browser (or AppTest's stand-in)


def _login_form() -> None:
    st.title(t("auth.title"))
    if st.session_state.get(NOTICE_KEY):
        st.info(t(st.session_state[NOTICE_KEY]))
    if _oidc_configured():
        st.button(t("auth.oidc"), key="oidc_login", on_click=st.login)
    with st.form("login"):
        name = st.text_input(t("auth.name"), key="login_name")
        password = st.text_input(t("auth.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("auth.submit"))
    if not submitted:
        return
    try:
        user = auth.verify(name, password, data.settings(), client=client_address())
    except auth.LoginLocked as exc:
        st.error(t("auth.throttled" if exc.scope == "client" else "auth.locked", minutes=exc.minutes))
        return
    if user is None:
        st.error(t("auth.failed"))
        return
    _start_session(user)
    _remember(user)
    st.rerun()


def _remember(user: User) -> None:
    """Issue a remembered session; the browser fetches its cookie on the next run (`cookie_bridge`)."""
    settings = data.settings()
    entry = auth.users(settings).get(user.name)
    if entry and settings.session_remember_hours > 0:
        st.session_state[SID_KEY], st.session_state[HANDOFF_KEY] = sessions.issue(settings, user.name, entry)


def _resume() -> User | None:
    """The user of this browser's remembered-session cookie, when it is still valid (reload, new tab)."""
    settings = data.settings()
    token = st.context.cookies.get(sessions.COOKIE)
    if not token or settings.session_remember_hours <= 0:
        return None
    users = auth.users(settings)
    found = sessions.resolve(settings, token, users)
    if found is None:
        return None
    name, st.session_state[SID_KEY] = found
    return auth.user_from_entry(name, users[name])


def _post(path: str, body: str = "") -> None:
    """Have the browser POST to one of ui/session_routes.py's routes (same origin, so the cookie applies)."""
    st.html(f"<script>fetch({json.dumps(path)}, {{method: 'POST', credentials: 'same-origin', "
            f"body: {json.dumps(body)}}});</script>", unsafe_allow_javascript=True)


def cookie_bridge() -> None:
    """After sign-in, the browser exchanges the one-time code for its cookie (drawn on every run until it has:
    a run cut short by a rerun may never reach the browser); after sign-out, it drops the cookie."""
    code = st.session_state.get(HANDOFF_KEY)
    if code and sessions.pending(data.settings(), code):
        _post("/auth/session", code)
    elif code:
        del st.session_state[HANDOFF_KEY]
    if st.session_state.pop(CLEAR_KEY, False):
        _post("/auth/signout")


def _start_session(user: User) -> None:
    entry = auth.users(data.settings()).get(user.name)
    st.session_state[SESSION_KEY] = user
    st.session_state[SEEN_KEY] = {"fp": auth.password_fingerprint(entry) if entry else None, "seen": time.time()}
    st.session_state.pop(NOTICE_KEY, None)


def _recheck(user: User) -> User | None:
    """The session's user as users.toml has it now; None (signed out, with a notice) if it must end."""
    settings, seen = data.settings(), st.session_state.get(SEEN_KEY) or {}
    entry = auth.users(settings).get(user.name)
    if entry is None or seen.get("fp") != auth.password_fingerprint(entry):
        notice = "auth.changed"
    elif time.time() - seen.get("seen", 0) > settings.session_idle_minutes * 60:
        notice = "auth.expired"
    else:
        seen["seen"] = time.time()
        st.session_state[SESSION_KEY] = fresh = auth.user_from_entry(user.name, entry)
        return fresh
    logout()
    st.session_state[NOTICE_KEY] = notice
    return None


def login_gate(pages: dict[str, list[tuple[Any, str]]]) -> User:
    """Return the signed-in user; otherwise draw the login form and stop the script."""
    user = current_user()
    if user is None and (user := _resume() or (_oidc_configured() and _oidc_user()) or None):
        _start_session(user)
    if user:
        return user
    # The sign-in form under every page's address, hidden: a shared link shows the form (no "page not
    # found") and, once signed in, the rerun opens the real page of that address (a page is known by its URL
    # path). It also replaces any page list an earlier run showed (Streamlit's legacy pages/ mode draws one
    # on a fresh server), so nothing is listed before sign-in.
    st.navigation([st.Page(_login_form, title=t("auth.title"), url_path=page._url_path, default=page._default)
                   for entries in pages.values() for page, _ in entries], position="hidden").run()
    cookie_bridge()
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")


def logout() -> None:
    """End the session here and its remembered sign-in everywhere (the cookie signs nobody in any more)."""
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(SEEN_KEY, None)
    sid = st.session_state.pop(SID_KEY, None)
    if sid:
        sessions.revoke(data.settings(), sid)
        st.session_state[CLEAR_KEY] = True
    if _oidc_configured() and st.user.is_logged_in:
        st.logout()


def user_box(user: User) -> None:
    """Sidebar: who is signed in, with which role, and a log-out button."""
    with st.sidebar:
        st.caption(t("auth.signed_in", name=user.name, role=t(f"role.{user.role}")))
        st.button(t("auth.logout"), key="logout", on_click=logout)
        cookie_bridge()


def require(action: str) -> User:
    """The user, when their role may do `action`; otherwise a clear message and st.stop()."""
    user = current_user()
    if user is None or not user.can(action):
        role = t(f"role.{user.role}") if user else "–"
        st.error(t("auth.denied", role=role, action=t(f"perm.{action}")))
        st.stop()
    return user


def allowed_pages(pages: dict[str, list[tuple[Any, str]]], user: User) -> dict[str, list[Any]]:
    """Sections → the pages this user's role may open, translated; empty sections left out.

    Each page comes with the permission it needs, declared beside it in app.py; a page is offered only when
    the role has that permission, so a misspelt or missing one refuses the page to everyone (fail closed).
    Streamlit serves only the offered pages, also to a URL typed by hand.
    """
    out = {}
    for section, entries in pages.items():
        visible = [page for page, permission in entries if user.can(permission)]
        if visible:
            out[t(section)] = visible
    return out
