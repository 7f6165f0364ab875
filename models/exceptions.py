"""Exceptions: the types, their lifecycle, and how a new version of one is made.

An exception is never edited in place: every change (taken, assigned, resolved, auto-cleared) is a new
row with the same `exception_id` and a later `updated_at`. Rules (models/rules) and ingest raise them
with `raise_exceptions`; people move them on through models/triage.py.

    rows = [new_exception("OH-1", "address_invalid", source="ingest", note="no city")]
    raise_exceptions(settings.lake_dir, rows)   # writes only those not already open
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from models import lake
from models.ids import stable_hash
from models.versions import latest, next_stamp

# type → (default severity, minutes until due)
TYPES: dict[str, tuple[str, int]] = {
    "address_invalid": ("medium", 120), "out_of_stock": ("high", 240), "payment_failed": ("low", 240),
    "unmapped_status": ("medium", 240), "sync_failure": ("high", 60), "gift_missing": ("medium", 120),
    "manual_review": ("high", 30), "sla_breach": ("high", 60), "oversell": ("high", 60),
    "duplicate_order": ("medium", 120), "carrier_rejected": ("high", 120), "wrong_item": ("high", 240),
    "missing_item": ("high", 240), "capacity": ("medium", 60),
    "unmatched_event": ("medium", 240),  # a warehouse/carrier event that names no order (ingest/events)
    "writeback_failed": ("high", 120),  # the platform refused (or kept failing) a shipment confirmation
    "unmapped_listing": ("high", 120),  # an order line's listing has no SKU in sku_map (models/inventory)
    # month-end reconciliation findings (models/reconciliation/findings.py), one type per finding
    "recon_unshipped": ("high", 240), "recon_double_shipped": ("high", 240), "recon_unsettled": ("medium", 1440),
    "recon_settled_twice": ("medium", 1440), "recon_settlement_mismatch": ("medium", 1440),
    "recon_refund_not_returned": ("medium", 1440), "recon_returned_not_refunded": ("high", 1440),
}
SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("open", "in_progress", "resolved", "dismissed")
OPEN = ("open", "in_progress")
# Which status may follow which; resolved/dismissed are final for people (rules may reopen an auto-clear).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("open", "in_progress", "resolved", "dismissed"),
    "in_progress": ("open", "in_progress", "resolved", "dismissed"),
    "resolved": (),
    "dismissed": (),
}
RESOLUTION_CODES = ("fixed", "restocked", "rerouted", "address_corrected", "approved", "rejected", "refunded",
                    "customer_contacted", "duplicate", "not_an_issue", "auto_cleared")


class TransitionError(ValueError):
    """A status change the lifecycle does not allow; the message names the exception and both statuses."""


def exception_id(order_id: str, exc_type: str, rule_id: str | None = None) -> str:
    """The same order, type and rule always give the same id: raising twice is one exception."""
    return "EX-" + stable_hash(order_id, exc_type, rule_id or "")


def new_exception(order_id: str, exc_type: str, *, source: str, severity: str | None = None,
                  rule_id: str | None = None, note: str | None = None, detected_at: datetime | None = None,
                  due_minutes: int | None = None, batch_id: str | None = None, why: str | None = None
                  ) -> dict[str, Any]:
    """An open exception row; due time from the type's SLA unless the rule gives one. `why`: the values that
    made the rule fire for this order (models/rules/evaluate.evidence_sql)."""
    if exc_type not in TYPES:
        raise ValueError(f"unknown exception type {exc_type!r}; known: {', '.join(TYPES)}")
    default_severity, default_due = TYPES[exc_type]
    detected = detected_at or datetime.now(UTC)
    return {
        "exception_id": exception_id(order_id, exc_type, rule_id), "order_id": order_id, "type": exc_type,
        "severity": severity or default_severity, "rule_id": rule_id, "status": "open", "assignee": None,
        "detected_at": detected, "due_at": detected + timedelta(minutes=due_minutes or default_due),
        "resolved_at": None, "resolution_code": None, "note": note, "source": source,
        "updated_at": detected, "ingested_at": datetime.now(UTC), "batch_id": batch_id, "why": why,
    }


def next_version(current: dict[str, Any], now: datetime | None = None, **changes: Any) -> dict[str, Any]:
    """The row after a change: same id, later updated_at; resolved_at set when it closes."""
    status = changes.get("status", current["status"])
    if status not in TRANSITIONS.get(current["status"], ()):
        raise TransitionError(f"exception {current['exception_id']}: cannot go from {current['status']} "
                              f"to {status}; it is already closed")
    stamp = next_stamp(current["updated_at"], now)
    row = {**current, **changes, "updated_at": stamp, "ingested_at": max(stamp, datetime.now(UTC))}
    if status in ("resolved", "dismissed"):
        row["resolved_at"] = stamp
    return row


def raise_exceptions(lake_dir: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Write the rows whose exception is not already open; an auto-cleared one is reopened. Returns those written."""
    current = latest(lake_dir, "exceptions", [r["exception_id"] for r in rows])
    fresh = []
    for row in rows:
        now = current.get(row["exception_id"])
        if now is None:
            fresh.append(row)
        elif now["status"] == "resolved" and now["resolution_code"] == "auto_cleared":
            fresh.append({**row, "detected_at": now["detected_at"],
                          "updated_at": next_stamp(now["updated_at"], row["updated_at"])})
    lake.write(lake_dir, "exceptions", fresh)
    return fresh
