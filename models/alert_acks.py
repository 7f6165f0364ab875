"""Acknowledging a capacity alert: once, by someone whose role and access cover it.

    acknowledge(settings, user, "backlog:Suzhou:pick")   # AlreadyAcknowledged the second time

An alert id names what it is about (models/analytics/capacity.py): `backlog:<warehouse>:<step>` needs that
warehouse in the user's access; `intake:<hour>` is every channel's intake and needs no access limit. Under a
lock, an alert someone acknowledged already is refused with who and when, so two people (or a stale page)
never record it twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models import actions
from models.access import AccessDenied
from models.auth import User, require
from models.filelock import state_lock
from models.settings import Settings
from models.versions import as_utc, last_action


class AlreadyAcknowledged(RuntimeError):
    """Someone acknowledged the alert before; nothing was recorded. `by` and `at` say who and when."""

    def __init__(self, alert_id: str, by: str | None, at: datetime):
        super().__init__(f"{alert_id} was already acknowledged by {by} at {at:%Y-%m-%d %H:%M} UTC; not recorded again")
        self.alert_id, self.by, self.at = alert_id, by, at


def acknowledge(settings: Settings, user: User | None, alert_id: str) -> dict[str, Any]:
    """Record that `user` saw the alert (one `actions` row); PermissionError/AccessDenied/AlreadyAcknowledged."""
    user = require(user, "triage")
    _in_access(user, alert_id)
    with state_lock(settings, "alerts"):
        done = last_action(settings.lake_dir, alert_id)
        if done is not None:
            raise AlreadyAcknowledged(alert_id, done["user"], as_utc(done["occurred_at"]).to_pydatetime())
        return actions.record(settings.lake_dir, user, "acknowledge_alert", "capacity_alert", alert_id,
                              reason="acknowledged on the Capacity page")


def _in_access(user: User, alert_id: str) -> None:
    """AccessDenied unless the alert's warehouse (backlog) is in the user's access, or the user has none (intake)."""
    kind, _, rest = alert_id.partition(":")
    warehouse = rest.rsplit(":", 1)[0] if kind == "backlog" else None  # the step after the last ':'
    if user.access.unrestricted or (warehouse and user.access.allows(None, None, warehouse)):
        return  # allows(None, None, …) is False for a channel- or shop-limited user: their slice, not the alert
    raise AccessDenied(f"alert {alert_id} covers orders outside your access; nothing was recorded")
