"""Canonical rows from what a platform module read: ids, status look-up, lines, events, exceptions.

Kept apart from base.py (the readers) so each stays short. A platform module only reads (a `read`
function returning a `Read`); `Normalizer` is its `normalize`: Reader → read → `finish`.

    normalize = Normalizer("shopee", "order_sn", _read)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.normalize.base import Line, NormalizedOrder, Reader
from ingest.normalize.status_map import StatusMap, default_status_map
from models import ids, lifecycle
from models.schema import ORDERS


def dated_events(times: Mapping[str, datetime | None]) -> list[tuple[str, datetime]]:
    """(event, time) of each lifecycle event that has a time, in lifecycle order."""
    return [(event, at) for event in lifecycle.EVENTS if (at := times.get(event)) is not None]


def _ingest_exception(
    exception_id: str, order_id: str, kind: tuple[str, str, str], note: str, *,
    detected_at: datetime, ingested_at: datetime, batch_id: str,
) -> dict[str, Any]:
    """An open exception raised while reading an order; `kind` is (type, severity, rule id).

    Dated by the order's own time (detected_at), not by the import: an export of last year's orders
    shows its problems in last year's figures (scoped_exceptions filters on detected_at); when it
    was read stays in ingested_at.
    """
    return {
        "exception_id": exception_id, "order_id": order_id, "type": kind[0], "severity": kind[1],
        "rule_id": kind[2], "status": "open", "assignee": None, "detected_at": detected_at, "due_at": None,
        "resolved_at": None, "resolution_code": None, "source": "ingest", "updated_at": detected_at,
        "ingested_at": ingested_at, "batch_id": batch_id, "note": note,
    }


def unmapped_status_exception(
    order_id: str, platform: str, raw_status: str, *, detected_at: datetime, batch_id: str,
    ingested_at: datetime | None = None,
) -> dict[str, Any]:
    """The open, high-severity exception that keeps an order with an unmapped raw status visible."""
    return _ingest_exception(
        ids.stable_hash(order_id, "unmapped_status", raw_status), order_id,
        ("unmapped_status", "high", "ingest.status_map"),
        f"{platform} status {raw_status!r} is not in status_map.toml [{platform}]; map it, re-ingest",
        detected_at=detected_at, ingested_at=ingested_at or detected_at, batch_id=batch_id,
    )


UNREADABLE_RULE = "ingest.optional_field."  # + the canonical field: Data quality counts per channel and field


def unreadable_field_exception(
    order_id: str, platform: str, field: str, reason: str, *, detected_at: datetime, ingested_at: datetime,
    batch_id: str,
) -> dict[str, Any]:
    """A low-severity note that an optional field could not be read and was left empty (the order was kept)."""
    return _ingest_exception(
        ids.stable_hash(order_id, "unreadable_field", field, reason), order_id,
        ("unreadable_field", "low", UNREADABLE_RULE + field),
        f"{platform} optional field {reason[:160]}; left empty, the order was imported",
        detected_at=detected_at, ingested_at=ingested_at, batch_id=batch_id,
    )


# The event an order's current status implies; dated by the order's update time when the payload
# has no own timestamp for it (Shopee has no cancel/deliver time, Lazada none at all).
_EVENT_OF_STATUS = {
    "shipped": "shipped",
    "delivered": "delivered",
    "completed": "completed",
    "cancelled": "cancelled",
    "refunded": "refunded",
    "returned": "returned",
}


# Defaults of an order row before a platform's fields are laid over it. The flags are the rules
# engine's to set later; amounts a payload does not state are 0, not unknown.
_ORDER_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(ORDERS.columns), "total_cents": 0, "shipping_cents": 0, "discount_cents": 0,
    "is_urgent": False, "is_vip": False, "is_presale": False, "is_cold_chain": False,
}


def line_rows(oid: str, lines: list[Line], currency: str, common: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"order_id": oid, "line_no": n, "sku": line.sku, "title": line.title, "category": None,
         "qty": line.qty, "unit_price_cents": line.unit_price_cents, "currency": currency,
         "is_gift": line.is_gift, **common}
        for n, line in enumerate(lines, start=1)
    ]


@dataclass(slots=True)
class Assembled:
    """One order's canonical values before they are laid out as rows: a dict each (`finish`) or a page's
    columns (`ingest.normalize.page`), so both layouts come from the same values."""

    order: dict[str, Any]
    lines: list[Line]
    events: list[tuple[str, datetime]]  # (event, occurred_at), lifecycle order
    exceptions: list[dict[str, Any]]


def finish(reader: Reader, **read: Any) -> NormalizedOrder:
    """Assemble the canonical rows from what a platform module read: ids, status, lines, events.

    `read` are `assemble`'s keywords (shop_id, fetched_at, batch_id, currency, raw_status, fields, lines, times,
    status_key, status_map)."""
    return as_rows(reader, assemble(reader, **read))


def as_rows(reader: Reader, done: Assembled) -> NormalizedOrder:
    """An assembled order as one dict per order, line and event."""
    order = done.order
    oid, fetched_at, batch_id = order["order_id"], order["ingested_at"], order["batch_id"]
    common = {"placed_at": order["placed_at"], "updated_at": order["updated_at"], "ingested_at": fetched_at,
              "batch_id": batch_id}
    events = [
        {"event_id": ids.event_id(oid, event, "platform", at), "order_id": oid, "event": event,
         "source": "platform", "actor": None, "occurred_at": at, "detail": None, "ingested_at": fetched_at,
         "batch_id": batch_id}
        for event, at in done.events
    ]
    return NormalizedOrder(order, line_rows(oid, done.lines, order["currency"], common), events,
                           dict(reader.explain), done.exceptions, list(reader.unreadable))


def assemble(
    reader: Reader,
    *,
    shop_id: str,
    fetched_at: datetime,
    batch_id: str,
    currency: str,
    raw_status: str,
    fields: Mapping[str, Any],
    lines: list[Line],
    times: Mapping[str, datetime | None],
    status_key: str | None = None,
    status_map: StatusMap | None = None,
) -> Assembled:
    """The order row, its lines and dated events from what a platform module read: ids, status, exceptions."""
    platform = reader.platform
    if fetched_at.tzinfo is None:
        raise ValueError("fetched_at must be timezone-aware")
    fetched_at = fetched_at.astimezone(UTC)
    oid = ids.order_id(platform, shop_id, reader.order_ref or "")
    times_by_event = {"placed": fields["placed_at"], "paid": fields.get("paid_at"), **times}
    # No update time in the payload: the latest time it does carry, so re-reading it gives the same row.
    updated_at = fields.get("updated_at") or max(t for t in times_by_event.values() if t is not None)
    status = (status_map or default_status_map()).lookup(platform, status_key or raw_status)
    detected_at = min(updated_at, fetched_at)  # the order's own time; never later than reading it
    exceptions = [
        unreadable_field_exception(oid, platform, name, why, detected_at=detected_at, ingested_at=fetched_at,
                                   batch_id=batch_id)
        for name, why in reader.unreadable
    ]
    if status is None:
        status = lifecycle.UNKNOWN
        exceptions.append(unmapped_status_exception(
            oid, platform, raw_status, detected_at=detected_at, ingested_at=fetched_at, batch_id=batch_id
        ))
    order = {**_ORDER_DEFAULTS, **{k: v for k, v in fields.items() if k in _ORDER_DEFAULTS and v is not None}}
    order.update(
        order_id=oid, channel=platform, shop_id=shop_id, platform_order_id=reader.order_ref, status=status,
        raw_status=raw_status, currency=currency, has_gift=any(line.is_gift for line in lines),
        updated_at=updated_at, ingested_at=fetched_at, batch_id=batch_id,
    )
    implied = _EVENT_OF_STATUS.get(status)
    if implied and times_by_event.get(implied) is None and fields.get("updated_at"):
        times_by_event[implied] = updated_at
        reader.explain.setdefault(f"event.{implied}", "(status + updated_at)")
    return Assembled(order, lines, dated_events(times_by_event), exceptions)


@dataclass
class Read:
    """What a platform module read from one payload, in the shape `finish` takes it."""

    currency: str
    raw_status: str
    fields: dict[str, Any]
    lines: list[Line]
    times: dict[str, datetime | None] = field(default_factory=dict)
    status_key: str | None = None  # the key looked up in the status map when it is not raw_status


@dataclass(frozen=True)
class Normalizer:
    """A platform's `normalize(payload, shop_id=, fetched_at=, batch_id=, status_map=)`: the one call shape."""

    platform: str
    id_path: str
    read: Callable[[Reader, StatusMap | None], Read]

    def __call__(
        self, payload: dict, *, shop_id: str, fetched_at: datetime, batch_id: str, status_map: StatusMap | None = None
    ) -> NormalizedOrder:
        """One order object of this platform as canonical rows; BadRecord when it cannot be read."""
        return as_rows(*self.assembled(payload, shop_id=shop_id, fetched_at=fetched_at, batch_id=batch_id,
                                       status_map=status_map))

    def assembled(
        self, payload: dict, *, shop_id: str, fetched_at: datetime, batch_id: str, status_map: StatusMap | None = None
    ) -> tuple[Reader, Assembled]:
        """The reader (explain, unreadable) and the assembled values of one order object; BadRecord as above."""
        r = Reader(self.platform, payload, id_path=self.id_path)
        got = self.read(r, status_map)
        return r, assemble(
            r, shop_id=shop_id, fetched_at=fetched_at, batch_id=batch_id, currency=got.currency,
            raw_status=got.raw_status, status_key=got.status_key, fields=got.fields, lines=got.lines,
            times=got.times, status_map=status_map,
        )
