"""The delivery record: every snapshot and alert message, per recipient, in the lake's `deliveries` table.

Append-only like `actions`: a row per attempt outcome ('delivered', 'written' to the outbox, 'failed',
'rate_limited'). What was delivered is what the lake says was delivered, so a run that dies halfway
through a recipient list resumes with the recipients not yet served, and `--force` is the only resend.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from models import lake, records
from models.db import LakeConnection
from models.ids import stable_hash
from models.redact import redact
from models.settings import Settings

T = TypeVar("T")
BASE_DELAY_S = 2.0  # first back-off; doubles on each retry


class DeliveryError(RuntimeError):
    """A message could not be delivered; `retriable` says whether trying again later may help."""

    def __init__(self, message: str, retriable: bool = True):
        super().__init__(message)
        self.retriable = retriable


def record(settings: Settings, kind: str, ref: str, channel: str, target: str, outcome: str,
           attempts: int = 1, error: str | None = None, at: datetime | None = None) -> None:
    """Append one delivery outcome (written atomically by the lake writer); the error is stored redacted."""
    at = at or datetime.now(UTC)
    lake.write(settings.lake_dir, "deliveries", [{
        "delivery_id": stable_hash(kind, ref, channel, target, outcome, at.isoformat(), length=16),
        "kind": kind, "ref": ref, "channel": channel, "target": target, "outcome": outcome,
        "attempts": attempts, "error": redact(error), "occurred_at": at,
    }])


def delivered(db: LakeConnection, kind: str, ref: str) -> set[tuple[str, str]]:
    """(channel, target) pairs that already have this message."""
    rows = records.rows(db, "delivered_targets", kind=kind, ref=ref)
    return {(channel, target) for channel, target in rows}


def recent(db: LakeConnection, limit: int = 50) -> Any:
    """The newest delivery outcomes (snapshot and alerts), for the console."""
    return records.frame(db, "recent_deliveries", limit=limit)


def with_retries(send: Callable[[], T], tries: int = 3, base_delay_s: float | None = None,
                 sleep: Callable[[float], Any] = time.sleep) -> tuple[T, int]:
    """Call `send` until it succeeds, backing off 2 s, 4 s, …; a non-retriable DeliveryError stops at once.

    Returns (result, attempts). The last error is re-raised with `.attempts` set.
    """
    for attempt in range(1, tries + 1):
        try:
            return send(), attempt
        except DeliveryError as exc:
            exc.attempts = attempt  # type: ignore[attr-defined]
            if not exc.retriable or attempt == tries:
                raise
            sleep((BASE_DELAY_S if base_delay_s is None else base_delay_s) * 2 ** (attempt - 1))
    raise AssertionError("unreachable")
