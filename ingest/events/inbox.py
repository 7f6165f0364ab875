"""The unmatched-event inbox: retried on every run as orders arrive, raised when it waits too long.

    retry_inbox(settings)     # the `events_inbox` job of `ingest serve`

An event whose reference names no order yet (the WMS was faster than the platform pull, a typo in a
scan) waits in `event_inbox` in state `pending`. Each run matches what it can (→ `order_events`, the inbox
row moves to `matched`); one still unmatched after `unmatched_event_after_minutes` is raised as an
`unmatched_event` exception (state `raised`) and is still retried: when its order finally arrives, it is
stored and the exception closes itself. Nothing is ever dropped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ingest.events.store import inbox_rows, match, route_orders, write_matched
from models import lake
from models.db import connect
from models.exceptions import OPEN, exception_id, new_exception, next_version, raise_exceptions
from models.settings import Settings
from models.versions import latest


@dataclass
class InboxRun:
    matched: int = 0
    raised: int = 0
    waiting: int = 0


def waiting(settings: Settings) -> list[dict[str, Any]]:
    """The inbox rows not matched yet (their current version)."""
    db = connect(settings)
    try:
        df = db.con.execute("select * from event_inbox where state <> 'matched' order by received_at").df()
    finally:
        db.close()
    return [{k: (None if not isinstance(v, list) and v != v else v) for k, v in row.items()}
            for row in df.to_dict("records")]


def unmatched_exception_id(record: dict[str, Any]) -> str:
    return exception_id(f"{record['source']}:{record['source_event_id']}", "unmatched_event")


def _raise(settings: Settings, records: list[dict[str, Any]], now: datetime) -> None:
    raise_exceptions(settings.lake_dir, [{
        **new_exception(unmatched_exception_id(r), "unmatched_event", source="events", detected_at=now,
                        note=f"{r['source']} event {r['source_event_id']} ({r['event']}) names "
                             f"{r['ref_kind']} {r['ref']}, which matches no single order since "
                             f"{r['received_at']:%Y-%m-%d %H:%M} UTC; check the reference or the channel pull"),
        "exception_id": unmatched_exception_id(r), "order_id": None} for r in records])


def _close_raised(settings: Settings, records: list[dict[str, Any]], order_of: dict[str, str], now: datetime) -> None:
    current = latest(settings.lake_dir, "exceptions", [unmatched_exception_id(r) for r in records])
    rows = [next_version(exc, now, status="resolved", resolution_code="auto_cleared", order_id=order_of[r["event_id"]],
                         note=f"Matched order {order_of[r['event_id']]} on {now:%Y-%m-%d %H:%M} UTC")
            for r in records if (exc := current.get(unmatched_exception_id(r))) and exc["status"] in OPEN]
    lake.write(settings.lake_dir, "exceptions", rows)


def attach_waiting(settings: Settings, now: datetime | None = None) -> set[str]:
    """Store the waiting events that now name an order (a pull just wrote it), before the rules judge it:
    a warehouse faster than the platform pull must not make a moved order look idle. Returns their orders."""
    if not (settings.lake_dir / "event_inbox").exists():
        return set()
    return set(_attach(settings, waiting(settings), now or datetime.now(UTC)).values())


def _attach(settings: Settings, rows: list[dict[str, Any]], now: datetime) -> dict[str, str]:
    if not rows:
        return {}
    db = connect(settings)
    try:
        order_of = match(db, rows)
    finally:
        db.close()
    found = [r for r in rows if r["event_id"] in order_of]
    write_matched(settings, found, order_of, "EVI-" + uuid.uuid4().hex[:12].upper())
    lake.write(settings.lake_dir, "event_inbox", inbox_rows(found, "matched", order_of, now))
    _close_raised(settings, [r for r in found if r["state"] == "raised"], order_of, now)
    return order_of


def retry_inbox(settings: Settings, now: datetime | None = None) -> InboxRun:
    """Match what can be matched now; raise what waited longer than the setting allows."""
    now = now or datetime.now(UTC)
    rows = waiting(settings)
    if not rows:
        return InboxRun()
    order_of = _attach(settings, rows, now)
    limit = now - timedelta(minutes=settings.unmatched_event_after_minutes)
    overdue = [r for r in rows if r["event_id"] not in order_of and r["state"] == "pending"
               and r["received_at"] <= limit]
    _raise(settings, overdue, now)
    lake.write(settings.lake_dir, "event_inbox", inbox_rows(overdue, "raised", stamp=now))
    route_orders(settings, set(order_of.values()), now)
    return InboxRun(len(order_of), len(overdue), len(rows) - len(order_of))
