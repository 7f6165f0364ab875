"""New trouble for the people on duty, on every page: open and overdue exceptions and unacknowledged alerts.

    d = duty(db, user.access, now)       # Duty(open=31, overdue=5, new_alerts=1, alerts=[...])
    acknowledge(settings, user, alert_id)  # once per alert, by someone whose access covers it

The counts are the queue's own (same statuses, same overdue test, same access rule), so the banner and the
queue agree. One query (models/sql/duty/duty.sql) over the current exceptions and the open alerts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from models import actions
from models.access import Access, AccessDenied
from models.alert_acks import AlreadyAcknowledged
from models.auth import User, require
from models.db import SQL_DIR, LakeConnection, connect
from models.filelock import state_lock
from models.kpis import named_queries
from models.settings import Settings
from models.versions import as_utc, last_action


@dataclass(frozen=True)
class Duty:
    """What the banner says: exceptions open and overdue in the access, alerts nobody acknowledged yet."""

    open: int = 0
    overdue: int = 0
    new_alerts: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def quiet(self) -> bool:
        return not (self.open or self.new_alerts)


def duty(db: LakeConnection, access: Access, as_of: datetime | None = None) -> Duty:
    """The banner's figures for this access at `as_of` (default now)."""
    sql = named_queries(SQL_DIR / "duty")["duty"]
    row = db.con.execute(sql, {"as_of": as_of or datetime.now(UTC), **access.as_dict()}).fetchone()
    return Duty(int(row[0]), int(row[1]), int(row[2]), list(row[3]))


def acknowledge(settings: Settings, user: User | None, alert_id: str) -> dict[str, Any]:
    """Record that `user` saw the alert (one `actions` row); refused when the alert is not one of theirs
    (AccessDenied, also for an unknown id) or someone acknowledged it already (AlreadyAcknowledged)."""
    user = require(user, "triage")
    with state_lock(settings, "alerts"):
        db = connect(settings)
        try:
            theirs = {a["alert_id"] for a in duty(db, user.access).alerts}
        finally:
            db.close()
        if alert_id not in theirs:
            done = last_action(settings.lake_dir, alert_id)
            if done is not None:
                raise AlreadyAcknowledged(alert_id, done["user"], as_utc(done["occurred_at"]).to_pydatetime())
            raise AccessDenied(f"alert {alert_id} is not open in your access; nothing was recorded")
        return actions.record(settings.lake_dir, user, "acknowledge_alert", "alert", alert_id,
                              reason="acknowledged from the duty banner")
