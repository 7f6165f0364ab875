"""Confirm each order handed to the carrier on its sales platform, once, through the platform's own call.

    python -m ingest writeback [--channel shopee] [--dry-run]
    summary = confirm_shipments(settings)          # the scheduler's `writeback` job, every 5 minutes

Due: an order with a `shipped` event from anyone but the platform itself (warehouse, carrier, packing
station, scan log) and a tracking number, on a channel with `writeback = true`, that has no final row in
`writebacks`. Each outcome is one row there, keyed by order: `confirmed` (never sent again), `refused` (the
platform said no: raised as `writeback_failed` at once), `retrying` (the shared client's retries ran out:
tried again next run) and, after MAX_RUNS such runs, `failed` (raised). A dry run sends and writes nothing
but the reads a request needs (Shopify's fulfillment orders, Lazada's item ids). Runs hold the `writeback`
state lock (models/filelock.py): the scheduled job and a hand-run CLI never confirm one order twice.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.config import ChannelConfig, load_channels
from ingest.http import FatalError, IngestError
from ingest.platform_cli import platform_write_args
from ingest.platforms import connector_class
from ingest.writeback.shipment import Call, Shipment
from models import lake
from models.db import connect
from models.exceptions import new_exception, raise_exceptions
from models.filelock import state_lock
from models.settings import Settings, load_settings
from models.versions import latest, next_stamp

log = logging.getLogger(__name__)
MAX_RUNS = 3
FINAL = ("confirmed", "refused", "failed")
DUE_SQL = """
select order_id, min(occurred_at) as shipped_at from lake_order_events
where event = 'shipped' and coalesce(source, '') <> 'platform'
  and order_id not in (select order_id from lake_writebacks where state in ('confirmed', 'refused', 'failed'))
group by order_id order by shipped_at, order_id
"""


@dataclass
class Summary:
    """What one run did: outcomes counted by state, and the requests (sent, or shown in a dry run)."""

    states: Counter = field(default_factory=Counter)
    calls: list[tuple[Shipment, Call]] = field(default_factory=list)


def writeback_channels(settings: Settings, only: str | None = None) -> dict[tuple[str, str], ChannelConfig]:
    """(channel, shop) → config of the enabled channels whose shipments are confirmed back."""
    return {(c.channel, c.shop_id): c for c in load_channels(settings)
            if c.writeback and c.enabled and only in (None, c.channel)}


def due(settings: Settings, channels: dict[tuple[str, str], ChannelConfig]) -> list[Shipment]:
    """The shipments not yet confirmed (or refused) on the enabled channels, earliest handover first."""
    db = connect(settings)
    try:
        shipped = dict(db.con.execute(DUE_SQL).fetchall())
    finally:
        db.close()
    orders = latest(settings.lake_dir, "orders", sorted(shipped))
    return [Shipment(oid, o["channel"], o["shop_id"], o["platform_order_id"], o["tracking_no"], o["carrier"],
                     shipped[oid])
            for oid, o in sorted(orders.items(), key=lambda kv: (shipped[kv[0]], kv[0]))
            if (o["channel"], o["shop_id"]) in channels and o["tracking_no"] and o["platform_order_id"]]


def attempt(connector: Any, s: Shipment, before: dict[str, Any] | None) -> tuple[dict[str, Any], Call | None]:
    """Send one confirmation; its writebacks row (state, attempts, error) and the call when it went out."""
    attempts = int((before or {}).get("attempts") or 0) + 1
    call, error = None, None
    try:
        call = connector.confirm_shipment(s)
        state = "confirmed"
    except FatalError as exc:  # refused (also: no usable token)
        state, error = "refused", str(exc)
    except IngestError as exc:  # retriable, and the client's retries ran out
        state, error = ("failed" if attempts >= MAX_RUNS else "retrying"), str(exc)
    row = {"order_id": s.order_id, "channel": s.channel, "shop_id": s.shop_id,
           "platform_order_id": s.platform_order_id, "tracking_no": s.tracking_no, "carrier": s.carrier,
           "shipped_at": s.shipped_at, "state": state, "attempts": attempts,
           "request": call.text() if call else None, "error": (error or "")[:500] or None,
           "updated_at": next_stamp((before or {}).get("updated_at"), datetime.now(UTC))}
    return row, call


def confirm_channel(settings: Settings, cfg: ChannelConfig, shipments: list[Shipment], summary: Summary,
                    dry_run: bool = False) -> None:
    """One channel's shipments through its connector (one client: its rate limit and retries)."""
    connector = connector_class(cfg.channel)(cfg, data_dir=settings.data_dir)
    if dry_run:
        for s in shipments:
            try:
                summary.calls.append((s, connector.confirm_shipment(s, send=False)))
            except FatalError as exc:  # what the real run would record as refused (e.g. an unknown carrier)
                summary.states["refused"] += 1
                log.warning("write-back dry run: %s %s would be refused: %s", s.channel, s.order_id, exc)
        return
    before = latest(settings.lake_dir, "writebacks", [s.order_id for s in shipments])
    rows = []
    for s in shipments:
        row, call = attempt(connector, s, before.get(s.order_id))
        rows.append(row)
        summary.states[row["state"]] += 1
        if call is not None:
            summary.calls.append((s, call))
    lake.write(settings.lake_dir, "writebacks", rows)
    raise_failed(settings, rows)


def raise_failed(settings: Settings, rows: list[dict[str, Any]]) -> None:
    """A refused or given-up confirmation is an exception a person sees (the platform's reason in it)."""
    raise_exceptions(settings.lake_dir, [
        new_exception(r["order_id"], "writeback_failed", source="writeback", rule_id="writeback",
                      note=f"{r['channel']} {r['state']}: {r['error']}"[:300])
        for r in rows if r["state"] in ("refused", "failed")])


def confirm_shipments(settings: Settings, *, channel: str | None = None, dry_run: bool = False) -> Summary:
    """Every due shipment on every write-back channel; a channel that fails as a whole is logged.

    One run at a time across processes (`ingest serve`'s job, a hand-run CLI): a second run waits for the
    first, then finds what it confirmed no longer due. A dry run sends nothing and does not wait."""
    channels = writeback_channels(settings, channel)
    summary = Summary()
    if not channels:
        return summary
    with contextlib.nullcontext() if dry_run else state_lock(settings, "writeback"):
        _confirm(settings, channels, summary, dry_run)
    if summary.states:
        log.info("write-back: %s", dict(summary.states))
    return summary


def _confirm(settings: Settings, channels: dict[tuple[str, str], ChannelConfig], summary: Summary,
             dry_run: bool) -> None:
    shipments = due(settings, channels)
    for key, cfg in channels.items():
        mine = [s for s in shipments if (s.channel, s.shop_id) == key]
        if mine:
            confirm_channel(settings, cfg, mine, summary, dry_run)


def main(argv: list[str]) -> int:
    args = platform_write_args("writeback", __doc__.splitlines()[0], argv)
    summary = confirm_shipments(load_settings(args.data), channel=args.channel, dry_run=args.dry_run)
    for s, call in summary.calls:
        print(f"{s.channel}/{s.shop_id} {s.order_id} ({s.platform_order_id}): {call.text()}")
    print(f"{'would send' if args.dry_run else 'sent'} {len(summary.calls)}; {dict(summary.states)}")
    return 0
