"""Tell each platform how much of each listing it may sell: the allocated stock, pushed once per change.

    python -m ingest stockpush [--channel shopee] [--dry-run]
    summary = push_stock(settings)          # the scheduler's `stock_push` job, every minute

A listing's share (models/allocation.py) is what its platform may sell beyond the sales the hub knows
(the units on the channel's reserved orders). Every platform's call sets an absolute count, and buyers
keep buying between the hub's pull and its push, so a listing is not simply set to its share again: when
the share or the known sales moved since the count was last set, the platform's count is read and moved
by (change of share) + (newly known sales) — a sale the hub has not pulled yet stays subtracted. A
listing never set before (or after a failed attempt) gets its share.
Each attempt is one row of `stock_pushes`: `pushed`, `checked` (the count was already right: nothing
sent), `refused` (the platform said no, or no listing has that seller SKU: not sent again for the same
share) or `failed` (the shared client's retries ran out: next run sets the share afresh). Only enabled
channels with `stock_push = true`; a dry run covers every enabled channel and sends nothing but the reads
a request needs (the listing's ids and count); it writes nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.config import ChannelConfig, load_channels
from ingest.http import FatalError, IngestError
from ingest.platform_cli import platform_write_args
from ingest.platforms import connector_class
from ingest.state import read_json, state_dir, update_json
from ingest.stockpush.pushers import PUSHERS, Pusher
from ingest.writeback.shipment import Call
from models import lake
from models.allocation import Target, listing_targets, load_allocation
from models.db import connect
from models.filelock import state_lock
from models.ids import stable_hash
from models.settings import Settings, load_settings
from models.stock_push import PushState, known_units, push_state

log = logging.getLogger(__name__)


@dataclass
class Attempt:
    """One listing's turn: its share, the count sent (or, dry, to send) and the request, or the error."""

    target: Target
    quantity: int | None = None
    call: Call | None = None
    error: str | None = None
    outcome: str = ""


@dataclass
class Summary:
    """What one run did: outcomes counted, and each listing's attempt."""

    outcomes: Counter = field(default_factory=Counter)
    attempts: list[Attempt] = field(default_factory=list)
    busy: bool = False  # another run held the lock: this one did nothing


@dataclass(frozen=True)
class Due:
    """A listing to act on: its share and the units the hub knows sold on it; `change` is how far the
    platform's count should move (None: unknown, set the share)."""

    target: Target
    known: int
    change: int | None


def due_one(t: Target, state: PushState | None, known: int) -> Due | None:
    """Never set (or the last attempt failed: unknown), or the share or the known sales moved since the last
    count; never a share the platform just refused."""
    if state is not None and state.tried_outcome == "refused" and state.tried_target == t.quantity:
        return None
    if state is None or state.set_quantity is None or state.tried_outcome == "failed":
        return Due(t, known, None)
    change = (t.quantity - (state.set_target or 0)) + (known - (state.set_known or 0))
    moved = t.quantity != state.set_target or known != state.set_known
    return Due(t, known, change) if moved else None


class ListingIds:
    """Seller SKU → the platform's listing ids, looked up once per channel and shop and kept in
    `<data>/state/stock_listings.json` (a listing's ids do not change; a refusal forgets them)."""

    def __init__(self, settings: Settings, cfg: ChannelConfig, connector: Any, pusher: Pusher):
        self.path, self.key = state_dir(settings.data_dir) / "stock_listings.json", cfg.key
        self.known: dict[str, str] = dict(read_json(self.path).get(self.key, {}))
        self.connector, self.pusher, self.changed = connector, pusher, False

    def get(self, seller_sku: str) -> str:
        if seller_sku not in self.known:
            found = self.pusher.resolve(self.connector, seller_sku)
            if found is None:
                raise FatalError(f"{self.key}: no listing with seller SKU {seller_sku!r} (or more than one)")
            self.known[seller_sku], self.changed = found, True
        return self.known[seller_sku]

    def forget(self, seller_sku: str) -> None:
        self.changed = self.known.pop(seller_sku, None) is not None or self.changed

    def save(self) -> None:
        if self.changed:
            update_json(self.path, lambda state: state.__setitem__(self.key, self.known))


def attempt(connector: Any, ids: ListingIds, d: Due, send: bool) -> Attempt:
    """Read the platform's count where needed and move it by the change of share; one Attempt."""
    out = Attempt(d.target)
    try:
        listing = ids.get(d.target.listing_id)
        now = None if d.change is None else ids.pusher.current(connector, listing)
        out.quantity = d.target.quantity if now is None else max(0, now + d.change)
        if out.quantity == now:
            out.outcome = "checked"
            return out
        out.call = ids.pusher.push(connector, listing, out.quantity, send=send)
        out.outcome = "pushed" if send else "dry_run"
    except FatalError as exc:  # refused, an unknown seller SKU, no usable token
        ids.forget(d.target.listing_id)
        out.outcome, out.error = "refused", str(exc)
    except IngestError as exc:  # retriable, and the client's retries ran out
        out.outcome, out.error = "failed", str(exc)
    return out


def push_channel(settings: Settings, cfg: ChannelConfig, due: list[Due], summary: Summary,
                 dry_run: bool = False) -> None:
    """One channel's due listings through its connector (one client: its rate limit and retries)."""
    connector = connector_class(cfg.channel)(cfg, data_dir=settings.data_dir)
    ids = ListingIds(settings, cfg, connector, PUSHERS[cfg.channel])
    rows = []
    for d in due:
        a = attempt(connector, ids, d, send=not dry_run)
        summary.outcomes[a.outcome] += 1
        summary.attempts.append(a)
        at, t = datetime.now(UTC), d.target
        rows.append({"push_id": "SP-" + stable_hash(*t.key, a.quantity, at.isoformat()), "channel": t.channel,
                     "shop_id": t.shop_id, "listing_id": t.listing_id, "skus": t.skus, "target": t.quantity,
                     "quantity": a.quantity, "known_units": d.known, "outcome": a.outcome,
                     "request": a.call.text() if a.call else None, "error": (a.error or "")[:500] or None,
                     "pushed_at": at})
    if dry_run:
        return
    ids.save()
    lake.write(settings.lake_dir, "stock_pushes", rows)
    for r in rows:
        if r["outcome"] in ("refused", "failed"):
            log.warning("stock push %s/%s %s %s: %s", r["channel"], r["shop_id"], r["listing_id"], r["outcome"],
                        r["error"])


def due(settings: Settings, channels: list[ChannelConfig]) -> list[Due]:
    """Every listing of these channels to act on (shares worked out over all enabled channels)."""
    shops = [(c.channel, c.shop_id) for c in load_channels(settings) if c.enabled]
    db = connect(settings)
    try:
        targets = listing_targets(db.con, shops, load_allocation(settings.config_dir))
        state = push_state(db.con)
        known = known_units(db.con, sorted({c.channel for c in channels}))
    finally:
        db.close()
    wanted = {(c.channel, c.shop_id) for c in channels}
    found = (due_one(t, state.get(t.key), known.get(t.key, 0)) for t in targets if (t.channel, t.shop_id) in wanted)
    return [d for d in found if d is not None]


def push_stock(settings: Settings, *, channel: str | None = None, dry_run: bool = False) -> Summary:
    """Every due listing of every pushing channel (every enabled one, dry); one run at a time."""
    summary = Summary()
    channels = [c for c in load_channels(settings)
                if c.enabled and (c.stock_push or dry_run) and channel in (None, c.channel)]
    if not channels:
        return summary
    with state_lock(settings, "stock_push") as mine:
        if not mine:
            summary.busy = True
            return summary
        listed = due(settings, channels)
        for cfg in channels:
            ours = [d for d in listed if (d.target.channel, d.target.shop_id) == (cfg.channel, cfg.shop_id)]
            if ours:
                push_channel(settings, cfg, ours, summary, dry_run)
    if summary.outcomes and not dry_run:
        log.info("stock push: %s", dict(summary.outcomes))
    return summary


def main(argv: list[str]) -> int:
    args = platform_write_args("stockpush", __doc__.splitlines()[0], argv)
    summary = push_stock(load_settings(args.data), channel=args.channel, dry_run=args.dry_run)
    for a in summary.attempts:
        t = a.target
        print(f"{t.channel}/{t.shop_id} {t.listing_id} ({t.skus}) share {t.quantity} → set {a.quantity}: "
              f"{a.call.text() if a.call else a.outcome}{' ERROR ' + a.error if a.error else ''}")
    sent = sum(a.call is not None for a in summary.attempts)
    print(f"{'would send' if args.dry_run else 'sent'} {sent}; {dict(summary.outcomes)}")
    return 0
