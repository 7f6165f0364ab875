"""The signed-in user's access scope, for the console's reads (models/access.py says what a scope is).

    access = current_access()          # Access of the user in this session; nothing at all without one
    access.narrow(scope)               # what ui/filters.py does to the sidebar's scope on every run
"""

from __future__ import annotations

from models.access import NOTHING, Access
from ui import t
from ui.auth import current_user

# No signed-in user: every dimension restricted to a value no order has, so every read selects nothing.
NO_ACCESS = Access((NOTHING,), (NOTHING,), (NOTHING,))


def current_access() -> Access:
    """The access of the session's user (fail closed: none without a user)."""
    user = current_user()
    return user.access if user is not None else NO_ACCESS


def describe(access: Access) -> str:
    """'Channels: tmall; Warehouses: Hefei' in the console's language ('everything' when unrestricted)."""
    parts = [f"{t(f'access.{dim}')}: {', '.join(values)}" for dim, values in access.as_dict().items() if values]
    return "; ".join(parts) or t("access.everything")
