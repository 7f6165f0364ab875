"""One warehouse or carrier event as a source sends it → the canonical intake record, or a reason why not.

The shape every intake path accepts (webhook body, pull page, scan-log row), documented in docs/events.md:

    {"id": "WMS-000123", "event": "picked", "occurred_at": "2026-03-01T10:02:00+08:00",
     "order_id" | "platform_order_id" (+ "channel") | "tracking_no": "...",
     "warehouse": "Suzhou", "carrier": "SF", "actor": "picker-7", "detail": "..."}

A carrier source sends `status` (the aggregator's code or a canonical carrier status) instead of `event`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models import ids
from models.lifecycle import CARRIER_STATUSES, WMS_EVENTS

REF_KINDS = ("order_id", "platform_order_id", "tracking_no")
MAX_TEXT = 200
UNMAPPED = "carrier_unmapped"  # a carrier code the status table does not know: kept, and raised


class BadEvent(ValueError):
    """The event cannot be stored; the message says which field and why (it goes back to the sender)."""


def event_id(source: str, source_event_id: str) -> str:
    """One id per (source, the source's own id): the same event delivered twice is one row."""
    return ids.stable_hash("intake", source, source_event_id, length=13)


def _text(raw: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            raise BadEvent(f"{name}: missing")
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise BadEvent(f"{name}: expected text, got {type(value).__name__}")
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise BadEvent(f"{name}: longer than {MAX_TEXT} characters")
    return text


def _instant(raw: dict[str, Any]) -> datetime:
    text = _text(raw, "occurred_at", required=True)
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadEvent(f"occurred_at: {text[:40]!r} is not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise BadEvent("occurred_at: needs a UTC offset (e.g. +08:00 or Z)")
    return at.astimezone(UTC)


def _ref(raw: dict[str, Any]) -> tuple[str, str]:
    for kind in REF_KINDS:
        value = _text(raw, kind)
        if value:
            return kind, value
    raise BadEvent(f"no order reference: give one of {', '.join(REF_KINDS)}")


def _event(raw: dict[str, Any], kind: str, codes: dict[str, str]) -> tuple[str, str | None]:
    """(canonical event, note) for a wms `event` or a carrier `status` (code or canonical status)."""
    if kind == "wms":
        event = _text(raw, "event", required=True)
        if event not in WMS_EVENTS:
            raise BadEvent(f"event: {event[:40]!r} is not one of {', '.join(WMS_EVENTS)}")
        return event, None
    status = _text(raw, "status", required=True)
    canonical = codes.get(status, status)
    if canonical in CARRIER_STATUSES:
        return CARRIER_STATUSES[canonical], None
    return UNMAPPED, f"carrier status code {status!r} is not in carrier_status_map.toml"


def parse(raw: Any, *, source: str, kind: str, received_at: datetime,
          codes: dict[str, str] | None = None) -> dict[str, Any]:
    """The intake record of one event from `source` (a configured name; kind wms or carrier)."""
    if not isinstance(raw, dict):
        raise BadEvent(f"an event must be a JSON object, got {type(raw).__name__}")
    sid = _text(raw, "id", required=True)
    event, note = _event(raw, kind, codes or {})
    ref_kind, ref = _ref(raw)
    detail = " · ".join(x for x in (_text(raw, "detail"), note) if x) or None
    return {
        "event_id": event_id(source, sid), "source": kind, "source_event_id": sid, "event": event,
        "occurred_at": _instant(raw), "received_at": received_at, "ref_kind": ref_kind, "ref": ref,
        "channel": _text(raw, "channel"), "actor": _text(raw, "actor") or source, "detail": detail,
        "carrier": _text(raw, "carrier"), "tracking_no": _text(raw, "tracking_no"),
    }


def events_in(body: Any) -> list[Any]:
    """The events of a delivery: `{"events": [...]}` or one event object."""
    if isinstance(body, dict) and "events" in body:
        if not isinstance(body["events"], list):
            raise BadEvent("events: expected a list")
        return body["events"]
    if isinstance(body, dict):
        return [body]
    raise BadEvent(f"body: expected a JSON object, got {type(body).__name__}")
