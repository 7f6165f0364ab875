"""User management on someone's behalf (the Users page): role check, stale-form check, one audit row each.

    add(settings, admin, "nina", "ops", "a password")
    change_role(settings, admin, "nina", "viewer", expected=shown)   # UserChanged if nina changed since

`expected` is `auth.entry_fingerprint` of the entry the form showed; models.auth compares it with the entry
under its lock, so two admins never overwrite each other unseen. An admin with an access limit manages no
one: they could grant access they do not have themselves. The audit rows never hold a password.
"""

from __future__ import annotations

from models import actions, auth
from models.access import DIMENSIONS, Access, AccessDenied
from models.auth import User
from models.settings import Settings


def _admin(user: User | None) -> User:
    """PermissionError unless the user may manage users and has no access limit."""
    user = auth.require(user, "manage_users")
    if not user.access.unrestricted:
        raise AccessDenied("an admin with an access limit cannot manage users (they could grant more than they "
                           "may see); ask an admin without one")
    return user


def add(settings: Settings, actor: User | None, name: str, role: str, password: str) -> User:
    """Create a user (models.auth's checks on name, role, password) and record it."""
    actor = _admin(actor)
    user = auth.add_user(name, role, password, settings)
    actions.record(settings.lake_dir, actor, "user_added", "user", name, after={"role": role})
    return user


def change_role(settings: Settings, actor: User | None, name: str, role: str, expected: dict | None) -> dict:
    """Give `name` another role; returns the fingerprint of the entry as it is now (for a second change)."""
    actor, before = _admin(actor), _shown(name, expected)
    auth.set_role(name, role, settings, expected=before)
    actions.record(settings.lake_dir, actor, "role_changed", "user", name, before={"role": before["role"]},
                   after={"role": role})
    return {**before, "role": role}


def reset_password(settings: Settings, actor: User | None, name: str, password: str, expected: dict | None) -> None:
    """Set a new password (the user's sessions and sign-in lock end); the audit row holds no password."""
    actor = _admin(actor)
    auth.set_password(name, password, settings, expected=_shown(name, expected))
    actions.record(settings.lake_dir, actor, "password_reset", "user", name, after={})


def change_access(settings: Settings, actor: User | None, name: str, access: Access, expected: dict | None) -> User:
    """Limit `name` to channels, shops and warehouses (all empty: everything)."""
    actor, before = _admin(actor), _shown(name, expected)
    user = auth.set_access(name, access, settings, expected=before)
    old = Access(*(tuple(before[dim]) for dim in DIMENSIONS))
    actions.record(settings.lake_dir, actor, "scope_changed", "user", name, before=old.as_dict(),
                   after=access.as_dict())
    return user


def _shown(name: str, expected: dict | None) -> dict:
    """The fingerprint the form carried; a form that carried none is refused (it may show anything)."""
    if not expected:
        raise auth.AuthError(f"the form did not say which version of user {name!r} it showed; reload the page")
    return expected
