"""Remembered sign-ins: a signed session token in an HTTP-only cookie, checked against a server-side list.

    sid, code = sessions.issue(settings, "alice", entry)   # after a password check; code: one use, 60 s
    token = sessions.redeem(settings, code)               # the /auth/session route: the cookie's value
    name = sessions.resolve(settings, token)              # a reload or a new tab: the user, or None
    sessions.revoke(settings, sid)                        # sign-out

Why this shape: Streamlit's script cannot set a cookie, so the browser fetches one from a small HTTP route
(ui/session_routes.py) with a one-time code the signed-in script hands it; the token itself never passes
through the page, a URL or a log. The token is `sid.expires.signature` (HMAC-SHA256 with a secret kept in
`<data>/state/session_secret`, mode 0600); the session id must also still be listed in
`<data>/state/sessions.json` (0600), so a sign-out revokes it at once, and it ends by itself when the
user's password or role in users.toml differs from when it was issued, or the user is removed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path
from typing import Any

from models import atomic
from models.auth import password_fingerprint
from models.filelock import locked
from models.settings import Settings

COOKIE = "orderhub_session"
HANDOFF_SECONDS = 60  # the one-time code's life: the browser redeems it right after sign-in


def _state(settings: Settings, name: str) -> Path:
    return settings.data_dir / "state" / name


def _secret(settings: Settings) -> bytes:
    """The signing key, made on first use (32 random bytes, owner-readable only)."""
    path = _state(settings, "session_secret")
    with locked(path):
        if not path.exists():
            atomic.write_bytes(path, secrets.token_bytes(32), mode=0o600)
        return path.read_bytes()


def _read(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"sessions": {}, "handoffs": {}}
    return {"sessions": value.get("sessions", {}), "handoffs": value.get("handoffs", {})}


def _change(settings: Settings, change: Any) -> Any:
    """Apply `change(store, now)` under the lock, drop what has expired, write back (0600); its result."""
    path, now = _state(settings, "sessions.json"), time.time()
    with locked(path):
        store = _read(path)
        result = change(store, now)
        for kind in ("sessions", "handoffs"):
            store[kind] = {k: v for k, v in store[kind].items() if v["expires_at"] > now}
        atomic.write_text(path, json.dumps(store, sort_keys=True), mode=0o600)
    return result


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def stamp(entry: dict) -> str:
    """What a session is bound to in the user's entry: which password and which role."""
    return hashlib.sha256(f"{password_fingerprint(entry)}|{entry['role']}".encode()).hexdigest()[:16]


def issue(settings: Settings, name: str, entry: dict, hours: float | None = None) -> tuple[str, str]:
    """A new remembered session for `name` (session id) and the one-time code the browser redeems for it."""
    sid, code = secrets.token_urlsafe(18), secrets.token_urlsafe(24)
    life = (settings.session_remember_hours if hours is None else hours) * 3600

    def add(store: dict, now: float) -> None:
        store["sessions"][sid] = {"user": name, "stamp": stamp(entry), "expires_at": now + life}
        store["handoffs"][_digest(code)] = {"sid": sid, "expires_at": now + HANDOFF_SECONDS}
    _change(settings, add)
    return sid, code


def _sign(settings: Settings, payload: str) -> str:
    mac = hmac.new(_secret(settings), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def redeem(settings: Settings, code: str) -> tuple[str, int] | None:
    """The signed token for a one-time code and its remaining life in seconds; None when unknown or used."""
    def take(store: dict, now: float) -> tuple[str, float] | None:
        handoff = store["handoffs"].pop(_digest(code), None)
        session = store["sessions"].get(handoff["sid"]) if handoff and handoff["expires_at"] > now else None
        return (handoff["sid"], session["expires_at"]) if session else None
    found = _change(settings, take)
    if found is None:
        return None
    sid, expires_at = found
    payload = f"{sid}.{int(expires_at)}"
    return f"{payload}.{_sign(settings, payload)}", max(0, int(expires_at - time.time()))


def pending(settings: Settings, code: str) -> bool:
    """Is this one-time code still waiting for the browser to redeem it?"""
    handoff = _read(_state(settings, "sessions.json"))["handoffs"].get(_digest(code))
    return bool(handoff) and handoff["expires_at"] > time.time()


def session_id(settings: Settings, token: str | None) -> str | None:
    """The session id of a well-signed, unexpired token (whether it is still listed is `resolve`'s job)."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    sid, expires, signature = parts
    if not hmac.compare_digest(signature, _sign(settings, f"{sid}.{expires}")) or int(expires) <= time.time():
        return None
    return sid


def resolve(settings: Settings, token: str | None, users: dict[str, dict]) -> tuple[str, str] | None:
    """(user name, session id) of a token still valid now; a session whose user's password or role changed,
    or whose user is gone, is revoked here."""
    sid = session_id(settings, token)
    if sid is None:
        return None

    def check(store: dict, now: float) -> str | None:
        session = store["sessions"].get(sid)
        if session is None or session["expires_at"] <= now:
            return None
        entry = users.get(session["user"])
        if entry is None or stamp(entry) != session["stamp"]:
            del store["sessions"][sid]
            return None
        return session["user"]
    name = _change(settings, check)
    return (name, sid) if name else None


def revoke(settings: Settings, sid: str | None) -> None:
    """End a remembered session (sign-out): its cookie no longer signs anyone in."""
    if sid:
        _change(settings, lambda store, now: store["sessions"].pop(sid, None))


def listed(settings: Settings) -> list[str]:
    """Users with a remembered session now (the Users page and tests: who would a reload sign in)."""
    return sorted({s["user"] for s in _read(_state(settings, "sessions.json"))["sessions"].values()
                   if s["expires_at"] > time.time()})
