"""Users, roles and PII masking, with no Streamlit in sight (the console's side is ui/auth.py).

    python -m models.auth add-user alice --role ops          # asks for the password twice
    echo secret | python -m models.auth reset-password alice --password-stdin
    python -m models.auth ensure-demo-admin                   # `make run` calls this

Users live in `$ORDERHUB_DATA/config/users.toml` (git-ignored) with salted scrypt hashes (N = 2^17, r = 8,
p = 1, OWASP's figure; a weaker stored hash is replaced at the next successful sign-in). Failed sign-ins
are counted in a small state file, never in the lake (models/login_guard.py: per user and client address,
per address, per user); each lockout, not each attempt, becomes one `actions` row 'login_locked'. An
admin's password reset ends the user's lock.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from models import actions, atomic, login_guard
from models.access import DIMENSIONS, Access
from models.filelock import state_lock
from models.masking import PII_COLUMNS, mask_address, mask_columns, mask_name, mask_phone
from models.settings import Settings, load_settings

__all__ = ["PII_COLUMNS", "ROLES", "Access", "AuthError", "LoginLocked", "User", "UserChanged", "add_user", "can",
           "entry_fingerprint", "mask_address", "mask_frame", "mask_name", "mask_phone", "require", "set_access",
           "set_password", "set_role", "users", "verify"]

ROLES = ("viewer", "ops", "admin")
# What each role may do. Pages and models/triage.py ask `can(role, action)`; nothing else decides.
PERMISSIONS: dict[str, frozenset[str]] = {
    # query_sql: the Explore SQL box (models/analytics/sandbox.py serves each role only its masked views).
    "viewer": frozenset({"view", "export", "query_sql"}),
    "ops": frozenset({"view", "export", "view_pii", "view_audit", "triage", "query_sql"}),
    "admin": frozenset({"view", "export", "view_pii", "view_audit", "triage", "query_sql", "edit_rules", "manage_users",
                        "send_snapshot", "view_recipients", "close_month"}),
}
MAX_FAILURES = login_guard.PAIR_LIMIT
FAILURE_WINDOW = login_guard.FAILURE_WINDOW
MIN_PASSWORD = 8
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
SCRYPT_N = 2**17
# Tests only: a cheaper N keeps hundreds of test sign-ins fast. Never set it on a real installation.
TEST_SCRYPT_N_ENV = "ORDERHUB_TEST_SCRYPT_N"
_SCRYPT_R, _SCRYPT_P = 8, 1
_MAXMEM = 256 * 1024 * 1024  # scrypt needs 128·N·r bytes (128 MiB at N = 2^17); hashlib's default cap is 32 MiB


class AuthError(ValueError):
    """A user-management request was refused; the message says why and what to do."""


class UserChanged(AuthError):
    """The user's entry changed since the form was loaded (`changed`: which of its fields); nothing was saved."""

    def __init__(self, name: str, changed: list[str]):
        super().__init__(f"user {name!r} was changed since you loaded the form ({', '.join(changed)}); nothing was "
                         "saved. Reload the page and check before changing it.")
        self.name, self.changed = name, changed


class LoginLocked(AuthError):
    """Too many failed sign-ins; `minutes` says when to try again, `scope` whether a reset ends it."""

    def __init__(self, message: str, minutes: int = 0, scope: str = "user"):
        super().__init__(message)
        self.minutes, self.scope = minutes, scope

    @classmethod
    def of(cls, lock: login_guard.Lock, now: datetime) -> LoginLocked:
        minutes = lock.minutes_left(now)
        if lock.scope == "client":
            return cls(f"too many failed sign-ins from this address: try again in {minutes} minute(s)",
                       minutes, lock.scope)
        return cls(f"too many failed sign-ins for {lock.name!r}: try again in {minutes} minute(s) "
                   "or ask an admin to reset the password", minutes, lock.scope)


@dataclass(frozen=True)
class User:
    """A signed-in person: their name, one of ROLES, and the channels/shops/warehouses they may see."""

    name: str
    role: str
    access: Access = field(default_factory=Access)

    def can(self, action: str) -> bool:
        return can(self.role, action)


def can(role: str | None, action: str) -> bool:
    """May this role do this action? Unknown roles may do nothing."""
    return action in PERMISSIONS.get(role or "", frozenset())


def require(user: User | None, action: str) -> User:
    """The user, if their role may do `action`; else PermissionError (no user, unknown role: refused too).
    Every model function that writes on a person's behalf starts here."""
    if user is None or not user.can(action):
        needed = next((role for role in ROLES if can(role, action)), "admin")
        raise PermissionError(f"role {user.role if user else 'anonymous'!r} cannot {action}; "
                              f"ask an admin for the {needed} role")
    return user


def mask_frame(df: pd.DataFrame, role: str | None) -> pd.DataFrame:
    """The frame as this role may see it: receiver phone, address and name masked unless it may view PII."""
    return df if can(role, "view_pii") else mask_columns(df)


# -- passwords ---------------------------------------------------------------------------------------

def scrypt_n() -> int:
    """The cost new hashes get: SCRYPT_N, unless a test lowered it through TEST_SCRYPT_N_ENV."""
    return int(os.environ.get(TEST_SCRYPT_N_ENV) or SCRYPT_N)


def hash_password(password: str, salt: bytes | None = None) -> str:
    """'scrypt$n$r$p$salt$hash' with a fresh 16-byte salt."""
    salt, n = salt or secrets.token_bytes(16), scrypt_n()
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32,
                            maxmem=_MAXMEM)
    return f"scrypt${n}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2, maxmem=_MAXMEM)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


def needs_rehash(stored: str) -> bool:
    """Was this hash made with less work than new hashes get (an older default)?"""
    try:
        _, n, r, p, _, _ = stored.split("$")
        return int(n) < scrypt_n() or int(r) < _SCRYPT_R or int(p) < _SCRYPT_P
    except ValueError:
        return True


# -- the users file ----------------------------------------------------------------------------------

def users_path(settings: Settings) -> Path:
    return settings.config_dir / "users.toml"


_CACHE: dict[Path, tuple[tuple[int, int, int], dict[str, dict]]] = {}


def users(settings: Settings | None = None) -> dict[str, dict]:
    """name → {role, password, password_id, created_at}; an empty dict when there is no users file yet.

    Every console run re-reads its user (sessions follow role changes and resets), so the parsed file is
    cached until it is replaced (a write renames a new file into place: new inode and mtime).
    """
    path = users_path(settings or load_settings())
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
    cached = _CACHE.get(path)
    if cached is None or cached[0] != stamp:
        cached = _CACHE[path] = (stamp, _read(path))
    return {name: dict(entry) for name, entry in cached[1].items()}


def _read(path: Path) -> dict[str, dict]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("users", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AuthError(f"{path}: cannot read the users file ({exc}); fix it or restore a backup") from exc


def password_fingerprint(entry: dict) -> str:
    """Changes when the password is set again (not when it is only rehashed): sessions end on a reset."""
    return entry.get("password_id") or hashlib.sha256(entry["password"].encode()).hexdigest()[:16]


def entry_fingerprint(entry: dict) -> dict[str, object]:
    """What a form showed of a users.toml entry (role, access lists, which password, when created): the form
    carries it back, and a change is refused if any of it differs by then."""
    return {"role": entry["role"], **Access.from_entry(entry).as_dict(),
            "password": password_fingerprint(entry), "created_at": entry.get("created_at")}


def _new_password(password: str) -> dict[str, str]:
    return {"password": hash_password(password), "password_id": secrets.token_hex(8)}


def _save(settings: Settings, table: dict[str, dict]) -> None:
    """Write users.toml atomically (models/atomic.py), readable by its owner only."""
    path = users_path(settings)
    lines = ["# OrderHub users: manage with `python -m models.auth`, never by hand.", ""]
    for name in sorted(table):
        lines.append(f"[users.{json.dumps(name)}]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in table[name].items()]
        lines.append("")
    atomic.write_text(path, "\n".join(lines), mode=0o600)


def _toml_value(value: object) -> str:
    """A TOML string or list of strings (JSON's quoting is valid TOML for both)."""
    if isinstance(value, list | tuple):
        return json.dumps([str(v) for v in value], ensure_ascii=False)
    return json.dumps(str(value), ensure_ascii=False)


def user_from_entry(name: str, entry: dict) -> User:
    """The signed-in form of a users.toml entry: role and access scope (one place, so a new field reaches
    every session)."""
    return User(name, entry["role"], Access.from_entry(entry))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"password too short: use at least {MIN_PASSWORD} characters")


def add_user(name: str, role: str, password: str, settings: Settings | None = None) -> User:
    """Create a user; refuses an existing name, a bad name or role, and a short password."""
    settings = settings or load_settings()
    if not NAME_RE.match(name):
        raise AuthError(f"user name {name!r}: use 2–64 lowercase letters, digits, '.', '_', '-' or '@'")
    _check_role(role)
    _check_password_rules(password)
    with state_lock(settings, "auth"):
        table = users(settings)
        if name in table:
            raise AuthError(f"user {name!r} already exists; use reset-password or the Users page")
        table[name] = {"role": role, **_new_password(password),
                       "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
        _save(settings, table)
    return User(name, role)


def _update(name: str, settings: Settings | None, expected: dict | None = None, **fields: object) -> User:
    """Change fields of a user under the lock; with `expected` (an entry_fingerprint the form showed), refuse
    with UserChanged if the entry differs from it now."""
    settings = settings or load_settings()
    with state_lock(settings, "auth"):
        table = users(settings)
        if name not in table:
            raise AuthError(f"no user {name!r}; create it with `python -m models.auth add-user {name} --role ops`")
        now = entry_fingerprint(table[name])
        if expected is not None and now != expected:
            raise UserChanged(name, [key for key in now if now[key] != expected.get(key)])
        table[name].update(fields)
        _save(settings, table)
        return user_from_entry(name, table[name])


def set_password(name: str, password: str, settings: Settings | None = None, expected: dict | None = None) -> User:
    """A new password: open sessions of the user end, and so does any sign-in lock on them."""
    _check_password_rules(password)
    settings = settings or load_settings()
    user = _update(name, settings, expected, **_new_password(password))
    with state_lock(settings, "auth"):
        login_guard.clear(settings, name)
    return user


def set_role(name: str, role: str, settings: Settings | None = None, expected: dict | None = None) -> User:
    _check_role(role)
    return _update(name, settings, expected, role=role)


def set_access(name: str, access: Access, settings: Settings | None = None, expected: dict | None = None) -> User:
    """Scope a user to channels, shops and warehouses (all empty: everything)."""
    return _update(name, settings, expected, **access.as_dict())


# -- signing in --------------------------------------------------------------------------------------

def verify(username: str, password: str, settings: Settings | None = None, now: datetime | None = None,
           client: str | None = None) -> User | None:
    """The user when the password matches; None otherwise. `client` is the caller's address, if known.

    Raises LoginLocked while a limit of models/login_guard holds, even for the right password; the failure
    that starts a lock is recorded as one 'login_locked' audit row. A hash weaker than today's cost is
    replaced by a new one of the same password.
    """
    settings, now = settings or load_settings(), now or datetime.now(UTC)
    name, client = username.strip().lower(), client or login_guard.LOCAL_CLIENT
    with state_lock(settings, "auth"):
        lock = login_guard.locked(settings, name, client, now)
        entry = users(settings).get(name)
    if lock:
        raise LoginLocked.of(lock, now)
    ok = check_password(password, entry["password"] if entry else _dummy_hash(scrypt_n()))
    with state_lock(settings, "auth"):
        if ok and entry:
            login_guard.clear(settings, name, now)
            _rehash(settings, name, entry, password)
            return user_from_entry(name, entry)
        started = login_guard.failed(settings, name if entry else "", client, now)
    if started:
        actions.record(settings.lake_dir, None, "login_locked", "client" if started.scope == "client" else "user",
                       client if started.scope == "client" else name, reason=_lock_reason(started), occurred_at=now)
    return None


@functools.lru_cache(maxsize=2)
def _dummy_hash(n: int) -> str:
    """Checked against when the name is unknown, so that a wrong name costs as long as a wrong password."""
    return hash_password(secrets.token_urlsafe(12))


def _rehash(settings: Settings, name: str, entry: dict, password: str) -> None:
    """Store a hash of today's cost for a password just proven right (the caller holds the auth lock)."""
    if not needs_rehash(entry["password"]):
        return
    table = users(settings)
    if name in table and table[name]["password"] == entry["password"]:  # not changed meanwhile
        table[name].update(password=hash_password(password), password_id=password_fingerprint(entry))
        _save(settings, table)


def _lock_reason(lock: login_guard.Lock) -> str:
    limits = {"user_client": login_guard.PAIR_LIMIT, "client": login_guard.CLIENT_LIMIT, "user": login_guard.USER_LIMIT}
    where = "from any address" if lock.scope == "user" else f"from {lock.client}"
    who = "any name" if lock.scope == "client" else repr(lock.name)
    return (f"{limits[lock.scope]} failed sign-ins for {who} {where} within {FAILURE_WINDOW.seconds // 60} minutes; "
            f"locked until {lock.until:%H:%M} UTC")


def ensure_demo_admin(settings: Settings | None = None) -> str | None:
    """Create user 'admin' with a random password when there is no users file; the password, once."""
    settings = settings or load_settings()
    if users_path(settings).exists():
        return None
    password = secrets.token_urlsafe(12)
    add_user("admin", "admin", password, settings)
    return password


# -- command line ------------------------------------------------------------------------------------

def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise AuthError("the two passwords differ; nothing was changed")
    return first


def _describe(access: Access) -> str:
    if access.unrestricted:
        return "everything"
    return "; ".join(f"{dim}: {', '.join(values)}" for dim, values in access.as_dict().items() if values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.auth", description="Manage OrderHub console users.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="create a user")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="viewer")
    reset = sub.add_parser("reset-password", help="set a new password")
    reset.add_argument("name")
    for p in (add, reset):
        p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    scope = sub.add_parser("set-scope", help="limit a user to channels, shops and warehouses (none given: all)")
    scope.add_argument("name")
    for dim in DIMENSIONS:
        scope.add_argument(f"--{dim[:-1]}", dest=dim, action="append", default=[], metavar=dim[:-1].upper(),
                           help=f"an allowed {dim[:-1]} (repeat for several)")
    sub.add_parser("ensure-demo-admin", help="create 'admin' with a printed password if no users exist")
    sub.add_parser("list", help="list users and roles")
    args = parser.parse_args(argv)
    try:
        if args.command == "add-user":
            user = add_user(args.name, args.role, _read_password(args))
            print(f"created {user.name} ({user.role})")
        elif args.command == "reset-password":
            set_password(args.name, _read_password(args))
            print(f"password of {args.name} changed")
        elif args.command == "set-scope":
            user = set_access(args.name, Access(*(tuple(getattr(args, dim)) for dim in DIMENSIONS)))
            print(f"{user.name} may see: {_describe(user.access)}")
        elif args.command == "ensure-demo-admin":
            password = ensure_demo_admin()
            if password:
                print(f"Created console user 'admin' with password: {password}  (shown once; change it with "
                      "`python -m models.auth reset-password admin`)")
        else:
            for name, entry in sorted(users().items()):
                print(f"{name}\t{entry['role']}\t{_describe(Access.from_entry(entry))}")
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
