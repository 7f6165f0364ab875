"""Reservation event rows: one shape and one deterministic id for every writer and for replay."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models.ids import stable_hash


def as_utc(value: Any) -> datetime:
    """A pandas/duckdb timestamp as an aware UTC datetime."""
    value = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def reservation_event(order_id: str, channel: str | None, sku: str, warehouse: str, qty: int, kind: str,
                      occurred_at: datetime, *, reason: str | None = None, pass_id: str | None = None,
                      recorded_at: datetime | None = None) -> dict[str, Any]:
    """One row of `reservation_events`; the same step of the same reservation at the same instant has one id."""
    occurred_at = as_utc(occurred_at)
    return {"event_id": "RV-" + stable_hash(order_id, sku, warehouse, kind, occurred_at.isoformat(), length=14),
            "order_id": order_id, "channel": channel, "sku": sku, "warehouse": warehouse, "qty": int(qty),
            "kind": kind, "reason": reason, "occurred_at": occurred_at,
            "recorded_at": recorded_at or datetime.now(UTC), "pass_id": pass_id}
