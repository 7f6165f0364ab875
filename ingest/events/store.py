"""Intake records → the lake: each event once, tied to its order, or kept in the inbox until it can be.

    summary = store(settings, records)      # every intake path ends here

Order of writes: matched events, their orders' tracking numbers, then the inbox rows of the unmatched
ones. An event whose id is already in `order_events` or `event_inbox` is a duplicate (a replay, a retried
delivery, an overlapping pull) and is not written again. The orders that received events then go through
the rules, so an SLA exception whose step arrived closes at once (`models.rules.apply.route_batch`).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from models import lake
from models.db import LakeConnection, connect
from models.exceptions import new_exception, raise_exceptions
from models.settings import Settings
from models.versions import latest, next_stamp

log = logging.getLogger(__name__)
EVENT_COLUMNS = ("event_id", "event", "source", "actor", "occurred_at", "detail", "source_event_id",
                 "received_at", "ref_kind", "ref")


@dataclass
class Stored:
    """What one batch did: written to order_events, kept unmatched, skipped as already stored."""

    stored: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    duplicates: int = 0
    orders: set[str] = field(default_factory=set)


def already_stored(db: LakeConnection, event_ids: list[str]) -> set[str]:
    """The ids among these that the lake holds already, matched or waiting in the inbox."""
    rows = db.con.execute(
        "select event_id from lake_order_events where event_id in (select unnest($ids::varchar[])) union "
        "select event_id from lake_event_inbox where event_id in (select unnest($ids::varchar[]))",
        {"ids": event_ids}).fetchall()
    return {r[0] for r in rows}


def match(db: LakeConnection, records: list[dict[str, Any]]) -> dict[str, str]:
    """event_id → order_id for the records whose reference names exactly one order."""
    refs = {kind: sorted({r["ref"] for r in records if r["ref_kind"] == kind})
            for kind in ("order_id", "platform_order_id", "tracking_no")}
    found = db.con.execute(
        "select distinct order_id, platform_order_id, channel, tracking_no from lake_orders "
        "where order_id in (select unnest($order_id::varchar[])) "
        "or platform_order_id in (select unnest($platform_order_id::varchar[])) "
        "or tracking_no in (select unnest($tracking_no::varchar[]))", refs).fetchall()
    out = {}
    for r in records:
        hits = {oid for oid, pid, channel, tn in found if _names(r, oid, pid, channel, tn)}
        if len(hits) == 1:  # none: not arrived yet; several: ambiguous, a person must look
            out[r["event_id"]] = hits.pop()
    return out


def _names(record: dict[str, Any], oid: str, pid: str | None, channel: str | None, tn: str | None) -> bool:
    kind, ref = record["ref_kind"], record["ref"]
    if kind == "platform_order_id":
        return pid == ref and record.get("channel") in (None, channel)
    return (oid if kind == "order_id" else tn) == ref


def event_rows(records: list[dict[str, Any]], order_of: dict[str, str], batch_id: str) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [{**{c: r[c] for c in EVENT_COLUMNS}, "order_id": order_of[r["event_id"]], "ingested_at": now,
             "batch_id": batch_id} for r in records]


def _tracking_versions(settings: Settings, records: list[dict[str, Any]], order_of: dict[str, str]) -> None:
    """A new order version where an event brings the tracking number (or carrier) the order lacks."""
    wanted = {order_of[r["event_id"]]: r for r in records if r.get("tracking_no") and r["event_id"] in order_of}
    rows = []
    for order_id, row in latest(settings.lake_dir, "orders", sorted(wanted)).items():
        rec = wanted[order_id]
        new = {**row, "tracking_no": rec["tracking_no"], "carrier": rec.get("carrier") or row["carrier"]}
        if new != row:
            rows.append({**new, "ingested_at": max(datetime.now(UTC), row["ingested_at"])})
    lake.write(settings.lake_dir, "orders", rows)


def _raise_unmapped(settings: Settings, records: list[dict[str, Any]], order_of: dict[str, str]) -> None:
    from ingest.events.record import UNMAPPED

    raise_exceptions(settings.lake_dir, [
        new_exception(order_of[r["event_id"]], "unmapped_status", source="events", rule_id="carrier-code",
                      note=r["detail"]) for r in records if r["event"] == UNMAPPED])


def inbox_rows(records: list[dict[str, Any]], state: str, order_of: dict[str, str] | None = None,
               stamp: datetime | None = None) -> list[dict[str, Any]]:
    """Inbox row versions of these records in `state` (pending, matched, raised)."""
    keep = ("event_id", "source", "source_event_id", "event", "occurred_at", "received_at", "ref_kind", "ref",
            "channel", "actor", "detail", "carrier", "tracking_no")
    return [{**{c: r.get(c) for c in keep}, "state": state, "order_id": (order_of or {}).get(r["event_id"]),
             "attempts": int(r.get("attempts") or 0) + 1,
             # after the row's previous version even if clocks disagree; a new row: when it was received
             "updated_at": next_stamp(r.get("updated_at"), stamp or r["received_at"])} for r in records]


def write_matched(settings: Settings, records: list[dict[str, Any]], order_of: dict[str, str],
                  batch_id: str) -> None:
    """Events first, then the tracking numbers they bring, then unmapped-code exceptions."""
    lake.write(settings.lake_dir, "order_events", event_rows(records, order_of, batch_id))
    _tracking_versions(settings, records, order_of)
    _raise_unmapped(settings, records, order_of)


def store(settings: Settings, records: list[dict[str, Any]], *, route: bool = True,
          at: datetime | None = None) -> Stored:
    """Write a batch of intake records: new ones once each, unmatched ones to the inbox. The rules run
    over the orders that received events as of `at` (default now; the scheduler's clock in tests)."""
    unique = list({r["event_id"]: r for r in records}.values())
    out = Stored(duplicates=len(records) - len(unique))
    if not unique:
        return out
    db = connect(settings)
    try:
        seen = already_stored(db, [r["event_id"] for r in unique])
        fresh = [r for r in unique if r["event_id"] not in seen]
        order_of = match(db, fresh)
    finally:
        db.close()
    out.duplicates += len(unique) - len(fresh)
    matched = [r for r in fresh if r["event_id"] in order_of]
    unmatched = [r for r in fresh if r["event_id"] not in order_of]
    write_matched(settings, matched, order_of, "EVB-" + uuid.uuid4().hex[:12].upper())
    lake.write(settings.lake_dir, "event_inbox", inbox_rows(unmatched, "pending"))
    out.stored, out.unmatched = [r["event_id"] for r in matched], [r["event_id"] for r in unmatched]
    out.orders = {order_of[e] for e in out.stored}
    if route:
        route_orders(settings, out.orders, at)
    return out


def route_orders(settings: Settings, order_ids: set[str], at: datetime | None = None) -> None:
    """Re-run the rules over orders whose steps arrived; a failure is logged: the rules job retries."""
    if not order_ids:
        return
    from models.rules.apply import route_batch

    try:
        route_batch(settings.lake_dir, sorted(order_ids), now=at)
    except Exception:  # the events are stored; the scheduled rules job re-evaluates open orders anyway
        log.exception("rules after event intake failed for %d order(s)", len(order_ids))
