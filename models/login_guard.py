"""Failed sign-ins counted in one small state file, never in the lake; locks per user, client and both.

    lock = login_guard.locked(settings, "alice", "203.0.113.9", now)   # a Lock, or None
    started = login_guard.failed(settings, "alice", "203.0.113.9", now)  # the Lock this failure began, or None
    login_guard.clear(settings, "alice")                                # a success, or an admin's reset

Three limits within FAILURE_WINDOW, so that nobody can lock a user out from somewhere else cheaply and
nobody can guess at scale:
- PAIR_LIMIT failures for one user from one client address lock that user at that address;
- CLIENT_LIMIT failures from one address (any names, made-up ones included) throttle the address;
- USER_LIMIT failures for one user from all addresses together lock that user everywhere.

`<data>/state/login_failures.json` holds at most MAX_ENTRIES recent failures ([time, client, user]); a
name is kept only when it is an existing user, so made-up names cannot grow it, and entries older than the
window are dropped on every write. Callers hold `state_lock(settings, "auth")`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from models import atomic
from models.settings import Settings

FAILURE_WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5
CLIENT_LIMIT = 20
USER_LIMIT = 50
MAX_ENTRIES = 5000
LOCAL_CLIENT = "local"  # no address known (a local browser, tests, the command line)


@dataclass(frozen=True)
class Lock:
    """Why sign-ins are refused (scope: 'user_client', 'client' or 'user') and until when."""

    scope: str
    name: str
    client: str
    until: datetime

    def minutes_left(self, now: datetime) -> int:
        return int((self.until - now).total_seconds() // 60) + 1


Entry = tuple[datetime, str, str]  # when, client address, user name ('' for a name that is no user)


def state_path(settings: Settings) -> Path:
    return settings.data_dir / "state" / "login_failures.json"


def _load(settings: Settings, now: datetime) -> list[Entry]:
    """Recent failures; a missing, unreadable or old-format file counts as none."""
    try:
        rows = json.loads(state_path(settings).read_text(encoding="utf-8")).get("failures", [])
        entries = [(datetime.fromisoformat(at), str(client), str(name)) for at, client, name in rows]
    except (OSError, ValueError, TypeError, AttributeError):
        return []
    return [e for e in entries if now - e[0] < FAILURE_WINDOW]


def _save(settings: Settings, entries: list[Entry]) -> None:
    path = state_path(settings)
    rows = [[at.isoformat(), client, name] for at, client, name in entries[-MAX_ENTRIES:]]
    atomic.write_text(path, json.dumps({"failures": rows}))


def _lock(entries: list[Entry], name: str, client: str) -> Lock | None:
    """The first limit these entries reach for this name and client, if any."""
    checks = (("user_client", PAIR_LIMIT, lambda e: bool(name) and e[2] == name and e[1] == client),
              ("client", CLIENT_LIMIT, lambda e: e[1] == client),
              ("user", USER_LIMIT, lambda e: bool(name) and e[2] == name))
    for scope, limit, match in checks:
        hits = [e[0] for e in entries if match(e)]
        if len(hits) >= limit:
            return Lock(scope, name, client, sorted(hits)[-limit] + FAILURE_WINDOW)
    return None


def locked(settings: Settings, name: str, client: str, now: datetime) -> Lock | None:
    """The lock that refuses this user from this address now, or None."""
    return _lock(_load(settings, now), name, client)


def failed(settings: Settings, name: str, client: str, now: datetime) -> Lock | None:
    """Count a failure (`name` '' when no such user); the lock it started, if it reached a limit."""
    entries = [*_load(settings, now), (now, client, name)]
    _save(settings, entries)
    return _lock(entries, name, client)


def clear(settings: Settings, name: str, now: datetime | None = None) -> None:
    """Forget this user's failures (a successful sign-in, an admin's password reset): their locks end."""
    if state_path(settings).exists():
        _save(settings, [e for e in _load(settings, now or datetime.now(UTC)) if e[2] != name])
