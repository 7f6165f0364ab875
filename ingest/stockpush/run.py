"""Tell each platform how much of each listing it may sell: the allocated stock, pushed once per change.

    python -m ingest stockpush [--channel shopee] [--dry-run]
    summary = push_stock(settings)          # the scheduler's `stock_push` job, every minute

Due: a mapped listing (sku_map) of an enabled channel with `stock_push = true` whose quantity
(models/allocation.py: its share of the available-to-sell pool) differs from the last one recorded for it
in `stock_pushes`, or whose last attempt `failed`. Each attempt is one row there: `pushed` (the platform
has it; not sent again until the quantity changes), `refused` (the platform said no, or no listing has
that seller SKU: sent again only for a new quantity) or `failed` (the shared client's retries ran out:
tried again next run). A dry run covers every enabled channel, pushing or not, and sends nothing but the
look-ups a request needs (the platform's ids for a seller SKU); it writes nothing.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.config import ChannelConfig, load_channels
from ingest.http import FatalError, IngestError
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
from models.stock_push import last_pushed

log = logging.getLogger(__name__)


@dataclass
class Summary:
    """What one run did: outcomes counted, and each target with its request (sent or, dry, not) or error."""

    outcomes: Counter = field(default_factory=Counter)
    calls: list[tuple[Target, Call | None, str | None]] = field(default_factory=list)
    busy: bool = False  # another run held the lock: this one did nothing


def is_due(target: Target, last: tuple[int, str] | None) -> bool:
    """Never pushed, a new quantity, or the last attempt ran out of retries."""
    return last is None or last[0] != target.quantity or last[1] == "failed"


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


def attempt(connector: Any, ids: ListingIds, t: Target, send: bool) -> tuple[str, Call | None, str | None]:
    """One push (or, dry, its request): (outcome, call, error)."""
    call = None
    try:
        call = ids.pusher.push(connector, ids.get(t.listing_id), t.quantity, send=send)
        return ("pushed" if send else "dry_run"), call, None
    except FatalError as exc:  # refused, an unknown seller SKU, no usable token
        ids.forget(t.listing_id)
        return "refused", call, str(exc)
    except IngestError as exc:  # retriable, and the client's retries ran out
        return "failed", call, str(exc)


def push_channel(settings: Settings, cfg: ChannelConfig, targets: list[Target], summary: Summary,
                 dry_run: bool = False) -> None:
    """One channel's due listings through its connector (one client: its rate limit and retries)."""
    connector = connector_class(cfg.channel)(cfg, data_dir=settings.data_dir)
    ids = ListingIds(settings, cfg, connector, PUSHERS[cfg.channel])
    rows = []
    for t in targets:
        outcome, call, error = attempt(connector, ids, t, send=not dry_run)
        summary.outcomes[outcome] += 1
        summary.calls.append((t, call, error))
        at = datetime.now(UTC)
        rows.append({"push_id": "SP-" + stable_hash(*t.key, t.quantity, at.isoformat()), "channel": t.channel,
                     "shop_id": t.shop_id, "listing_id": t.listing_id, "skus": t.skus, "quantity": t.quantity,
                     "outcome": outcome, "request": call.text() if call else None,
                     "error": (error or "")[:500] or None, "pushed_at": at})
    if not dry_run:
        ids.save()
        lake.write(settings.lake_dir, "stock_pushes", rows)
        for r in rows:
            if r["outcome"] != "pushed":
                log.warning("stock push %s/%s %s: %s", r["channel"], r["shop_id"], r["outcome"], r["error"])


def due(settings: Settings, channels: list[ChannelConfig]) -> list[Target]:
    """Every listing of these channels whose quantity is to be sent (shares over all enabled channels)."""
    shops = [(c.channel, c.shop_id) for c in load_channels(settings) if c.enabled]
    db = connect(settings)
    try:
        targets = listing_targets(db.con, shops, load_allocation(settings.config_dir))
        last = last_pushed(db.con)
    finally:
        db.close()
    wanted = {(c.channel, c.shop_id) for c in channels}
    return [t for t in targets if (t.channel, t.shop_id) in wanted and is_due(t, last.get(t.key))]


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
        targets = due(settings, channels)
        for cfg in channels:
            listed = [t for t in targets if (t.channel, t.shop_id) == (cfg.channel, cfg.shop_id)]
            if listed:
                push_channel(settings, cfg, listed, summary, dry_run)
    if summary.outcomes and not dry_run:
        log.info("stock push: %s", dict(summary.outcomes))
    return summary


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest stockpush", description=__doc__.splitlines()[0])
    parser.add_argument("--channel", help="only this platform (e.g. shopee)")
    parser.add_argument("--dry-run", action="store_true", help="print the requests; send and write nothing")
    parser.add_argument("--data", help="data directory (default: ORDERHUB_DATA or ./data)")
    args = parser.parse_args(argv[1:])
    summary = push_stock(load_settings(args.data), channel=args.channel, dry_run=args.dry_run)
    for t, call, error in summary.calls:
        print(f"{t.channel}/{t.shop_id} {t.listing_id} ({t.skus}) → {t.quantity}: "
              f"{call.text() if call else ''}{' ERROR ' + error if error else ''}")
    print(f"{'would send' if args.dry_run else 'sent'} {len(summary.calls)}; {dict(summary.outcomes)}")
    return 0
