"""The packing station: a scanner confirms one warehouse step of one parcel per scan; ops can undo a wrong scan.

    r = scan(settings, user, "SF1234567890", "packed")   # r.outcome: ok | unknown | ambiguous | cancelled |
                                                         #            on_hold | already_done
    undo(settings, user, r.event_id, "scanned the wrong parcel")

For shops without a warehouse system. A confirmation is an `order_events` row with source 'console' and the
packer's name as actor, plus its `actions` row: human edits are events, never updates. An undo is a new
'scan_undone' event (detail = the undone event id) and action; the scan stays in the lake and the lifecycle
(`order_lifecycle`, models/sql/events.sql) stops counting it. An order outside the user's access reads as
unknown, so a scan reveals nothing about it. SQL in models/sql/packing/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from models import actions, lake
from models.auth import User, require
from models.db import SQL_DIR, LakeConnection, connect
from models.filelock import state_lock
from models.ids import event_id
from models.kpis import named_queries
from models.settings import Settings
from models.triage_queries import order_dimensions

STEPS = ("picked", "packed", "shipped")  # shipped = handed to the carrier
FORWARD = ("pending_payment", "to_review", "to_ship", "allocated", "picked", "packed", "shipped", "delivered",
           "completed")
EXITS = ("cancelled", "refunded", "returned")
# Open exceptions of these types hold a parcel: it must not move on until someone resolves them.
HOLD_TYPES = ("manual_review", "address_invalid", "out_of_stock", "payment_failed", "oversell", "duplicate_order")
UNDONE = "scan_undone"


class ScanError(ValueError):
    """The undo is not possible (no such scan, already undone, no reason); the message says what to do."""


@dataclass(frozen=True)
class ScanResult:
    """What one scan did. `detail`: the hold types, the stage reached, or the exit; `lines`: what to check."""

    outcome: str
    ref: str
    step: str
    order_id: str | None = None
    event_id: str | None = None
    detail: str = ""
    lines: pd.DataFrame = field(default_factory=pd.DataFrame)


def run(db: LakeConnection, name: str, **params: Any) -> pd.DataFrame:
    """One named query of models/sql/packing/ (also the pick lists')."""
    return db.con.execute(named_queries(SQL_DIR / "packing")[name], params).df()


def scan(settings: Settings, user: User | None, ref: str, step: str, now: datetime | None = None) -> ScanResult:
    """Confirm `step` for the order the scanned text names (id, tracking number or platform order id)."""
    user = require(user, "triage")
    if step not in STEPS:
        raise ValueError(f"step {step!r} unknown; choose one of {', '.join(STEPS)}")
    with state_lock(settings, "packing"):
        db = connect(settings)  # under the lock: two stations never both confirm the same step
        try:
            return _scan(db, user, ref.strip(), step, now or datetime.now(UTC))
        finally:
            db.close()


def _scan(db: LakeConnection, user: User, ref: str, step: str, now: datetime) -> ScanResult:
    found = run(db, "resolve", ref=ref)
    found = found[[user.access.allows(*dims) for dims in
                   found[["channel", "shop_id", "warehouse"]].itertuples(index=False)]]
    if len(found) != 1:
        return ScanResult("unknown" if found.empty else "ambiguous", ref, step, detail=str(len(found)))
    order = found.iloc[0]
    base = {"ref": ref, "step": step, "order_id": order["order_id"],
            "lines": run(db, "lines", order_id=order["order_id"])}
    refusal = _refusal(db, order, step)
    if refusal:
        return ScanResult(refusal[0], detail=refusal[1], **base)
    row = _event(order["order_id"], step, user, now, _ref_kind(order, ref), ref)
    _write(db.settings, user, row, "scan_" + step, None, {"event": step, "event_id": row["event_id"]})
    return ScanResult("ok", event_id=row["event_id"], **base)


def _refusal(db: LakeConnection, order: pd.Series, step: str) -> tuple[str, str] | None:
    """Why the parcel must not take this step: an exit, a hold, or the step (or a later one) already done."""
    stage = order["stage"]
    if stage in EXITS:
        return "cancelled", stage
    holds = run(db, "holds", order_id=order["order_id"], hold_types=list(HOLD_TYPES))
    if not holds.empty:
        return "on_hold", ", ".join(holds["type"])
    if stage in FORWARD and FORWARD.index(stage) >= FORWARD.index(step):
        return "already_done", stage
    return None


def _ref_kind(order: pd.Series, ref: str) -> str:
    return next(kind for kind in ("order_id", "tracking_no", "platform_order_id") if order[kind] == ref)


def _event(order_id: str, event: str, user: User, at: datetime, ref_kind: str, ref: str,
           detail: str | None = None, source_event_id: str | None = None) -> dict[str, Any]:
    eid = event_id(order_id, event, "console", at)
    return {"event_id": eid, "order_id": order_id, "event": event, "source": "console", "actor": user.name,
            "occurred_at": at, "detail": detail, "ingested_at": at, "batch_id": None,
            "source_event_id": source_event_id or eid, "received_at": at, "ref_kind": ref_kind, "ref": ref}


def _write(settings: Settings, user: User, row: dict[str, Any], action: str, before: Any, after: Any,
           reason: str | None = None) -> None:
    """The event, then its audit row (target: the order for a scan, the undone event for an undo)."""
    lake.write(settings.lake_dir, "order_events", [row])
    target = ("order_event", row["detail"]) if row["event"] == UNDONE else ("order", row["order_id"])
    actions.record(settings.lake_dir, user, action, *target, order_id=row["order_id"], before=before,
                   after=after, reason=reason)


def undo(settings: Settings, user: User | None, scan_event_id: str, reason: str,
         now: datetime | None = None) -> dict[str, Any]:
    """Undo a wrong scan: a 'scan_undone' event naming it and an action; the scan itself stays."""
    user = require(user, "triage")
    if not reason.strip():
        raise ScanError("say why the scan is undone (a reason is required)")
    with state_lock(settings, "packing"):
        db = connect(settings)
        try:
            found = run(db, "scan_event", event_id=scan_event_id)
        finally:
            db.close()
        scanned = _undoable(settings, user, found, scan_event_id)
        row = _event(scanned["order_id"], UNDONE, user, now or datetime.now(UTC), "order_id",
                     scanned["order_id"], detail=scan_event_id, source_event_id=f"undo:{scan_event_id}")
        _write(settings, user, row, "undo_scan", {"event": scanned["event"], "actor": scanned["actor"]},
               {"undone": True}, reason.strip())
    return row


def _undoable(settings: Settings, user: User, found: pd.DataFrame, scan_event_id: str) -> pd.Series:
    """The scan to undo, once it is known to be a console scan inside the access and not undone yet."""
    if found.empty or found.iloc[0]["source"] != "console" or found.iloc[0]["event"] not in STEPS:
        raise ScanError(f"{scan_event_id} is not a packing-station scan; pick one from the recent scans")
    scanned = found.iloc[0]
    if not user.access.unrestricted:
        user.access.check_order(scanned["order_id"], order_dimensions(settings, scanned["order_id"]))
    if scanned["undone"]:
        raise ScanError(f"scan {scan_event_id} was undone already; nothing was changed")
    return scanned


def recent_scans(db: LakeConnection, user: User) -> pd.DataFrame:
    """The latest console scans in the user's access, newest first, with whether each was undone."""
    return run(db, "recent_scans", **user.access.as_dict())
