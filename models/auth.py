"""Users, roles and PII masking, with no Streamlit in sight (the console's side is ui/auth.py).

    python -m models.auth add-user alice --role ops          # asks for the password twice
    echo secret | python -m models.auth reset-password alice --password-stdin
    python -m models.auth ensure-demo-admin                   # `make run` calls this

Users live in `$ORDERHUB_DATA/config/users.toml` (git-ignored) with salted scrypt hashes. Failed logins
are rate-limited per user (5 per 15 minutes, counted in `state/login_failures.json`) and each one is
recorded as an `actions` row with action 'login_failed'.
"""

from __future__ import annotations

import argparse
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from models import actions
from models.access import DIMENSIONS, Access
from models.filelock import state_lock
from models.masking import PII_COLUMNS, mask_address, mask_columns, mask_name, mask_phone
from models.settings import Settings, load_settings

__all__ = ["PII_COLUMNS", "ROLES", "Access", "AuthError", "LoginLocked", "User", "add_user", "can", "mask_address",
           "mask_frame", "mask_name", "mask_phone", "set_access", "set_password", "set_role", "users", "verify"]

ROLES = ("viewer", "ops", "admin")
# What each role may do. Pages and models/triage.py ask `can(role, action)`; nothing else decides.
PERMISSIONS: dict[str, frozenset[str]] = {
    # query_sql: the Explore SQL box (models/analytics/sandbox.py serves each role only its masked views).
    "viewer": frozenset({"view", "export", "query_sql"}),
    "ops": frozenset({"view", "export", "view_pii", "view_audit", "triage", "query_sql"}),
    "admin": frozenset({"view", "export", "view_pii", "view_audit", "triage", "query_sql", "edit_rules", "manage_users",
                        "send_snapshot"}),
}
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 8
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AuthError(ValueError):
    """A user-management request was refused; the message says why and what to do."""


class LoginLocked(AuthError):
    """Too many failed logins for this user in the window; the message says when to try again."""


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


def mask_frame(df: pd.DataFrame, role: str | None) -> pd.DataFrame:
    """The frame as this role may see it: receiver phone, address and name masked unless it may view PII."""
    return df if can(role, "view_pii") else mask_columns(df)


# -- passwords ---------------------------------------------------------------------------------------

def hash_password(password: str, salt: bytes | None = None) -> str:
    """'scrypt$n$r$p$salt$hash' with a fresh 16-byte salt."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


# -- the users file ----------------------------------------------------------------------------------

def users_path(settings: Settings) -> Path:
    return settings.config_dir / "users.toml"


def users(settings: Settings | None = None) -> dict[str, dict]:
    """name → {role, password, created_at}; an empty dict when there is no users file yet."""
    path = users_path(settings or load_settings())
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("users", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AuthError(f"{path}: cannot read the users file ({exc}); fix it or restore a backup") from exc


def _save(settings: Settings, table: dict[str, dict]) -> None:
    """Write users.toml atomically (temp + rename), readable by its owner only."""
    path = users_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# OrderHub users: manage with `python -m models.auth`, never by hand.", ""]
    for name in sorted(table):
        lines.append(f"[users.{json.dumps(name)}]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in table[name].items()]
        lines.append("")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _toml_value(value: object) -> str:
    """A TOML string or list of strings (JSON's quoting is valid TOML for both)."""
    if isinstance(value, list | tuple):
        return json.dumps([str(v) for v in value], ensure_ascii=False)
    return json.dumps(str(value), ensure_ascii=False)


def user_from_entry(name: str, entry: dict) -> User:
    """The User a users.toml entry describes: role and access scope."""
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
        table[name] = {"role": role, "password": hash_password(password),
                       "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
        _save(settings, table)
    return User(name, role)


def _update(name: str, settings: Settings | None, **fields: str) -> User:
    settings = settings or load_settings()
    with state_lock(settings, "auth"):
        table = users(settings)
        if name not in table:
            raise AuthError(f"no user {name!r}; create it with `python -m models.auth add-user {name} --role ops`")
        table[name].update(fields)
        _save(settings, table)
        return user_from_entry(name, table[name])


def set_password(name: str, password: str, settings: Settings | None = None) -> User:
    _check_password_rules(password)
    return _update(name, settings, password=hash_password(password))


def set_role(name: str, role: str, settings: Settings | None = None) -> User:
    _check_role(role)
    return _update(name, settings, role=role)


def set_access(name: str, access: Access, settings: Settings | None = None) -> User:
    """Scope a user to channels, shops and warehouses (all empty: everything)."""
    return _update(name, settings, **access.as_dict())


# -- logging in --------------------------------------------------------------------------------------

def _failures_path(settings: Settings) -> Path:
    return settings.data_dir / "state" / "login_failures.json"


def _recent_failures(settings: Settings, name: str, now: datetime) -> list[datetime]:
    path = _failures_path(settings)
    stamps = json.loads(path.read_text()).get(name, []) if path.exists() else []
    return [t for t in map(datetime.fromisoformat, stamps) if now - t < FAILURE_WINDOW]


def _set_failures(settings: Settings, name: str, stamps: list[datetime]) -> None:
    path = _failures_path(settings)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = [t.isoformat() for t in stamps]
    data = {k: v for k, v in data.items() if v}
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def verify(username: str, password: str, settings: Settings | None = None, now: datetime | None = None) -> User | None:
    """The user when the password matches; None otherwise (recorded as 'login_failed').

    Raises LoginLocked after MAX_FAILURES failures within FAILURE_WINDOW, even for the right password.
    """
    settings = settings or load_settings()
    now = now or datetime.now(UTC)
    name = username.strip().lower()
    with state_lock(settings, "auth"):
        failures = _recent_failures(settings, name, now)
        if len(failures) >= MAX_FAILURES:
            _record_failure(settings, name, "rate limited", now)
            wait = int((min(failures) + FAILURE_WINDOW - now).total_seconds() // 60) + 1
            raise LoginLocked(f"too many failed logins for {name!r}: try again in {wait} minute(s) "
                              "or ask an admin to reset the password")
        entry = users(settings).get(name)
        ok = check_password(password, entry["password"] if entry else hash_password("x" * MIN_PASSWORD))
        if ok and entry:
            _set_failures(settings, name, [])
            return user_from_entry(name, entry)
        _set_failures(settings, name, [*failures, now])
        _record_failure(settings, name, "wrong password" if entry else "unknown user", now)
        return None


def _record_failure(settings: Settings, name: str, reason: str, now: datetime) -> None:
    actions.record(settings.lake_dir, None, "login_failed", "user", name, reason=reason, occurred_at=now)


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
