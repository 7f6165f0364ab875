"""The reservation pass: the single writer of `reservation_events`.

    result = run_pass(settings, order_ids)   # ingest, after routing a batch
    result = run_pass(settings)              # the `reservations` job: every open order, expiries, catch-up

Under the `reservations` state lock (models/filelock.py), so concurrent pulls and the scheduler take
turns: each pass lists the lake afresh inside the lock and so sees every reservation made before it.
One pass (1) moves reservations on (picked, released on shipment, cancellation or expiry), then (2) gives
stock to the orders that want it in the order they were paid (placed, for channels that reserve on
placing). An order short of stock gets nothing and an `oversell` exception naming it and the orders that
took the last units; an order line whose listing has no SKU gets `unmapped_listing`. Both close by
themselves once a later pass reserves the order. Inventory tracking starts with the first mapped listing:
until `sku_map` has a row, a pass does nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from models import lake
from models.db import LakeConnection
from models.exceptions import OPEN, exception_id, new_exception, next_version, raise_exceptions
from models.filelock import state_lock
from models.inventory import allocate, candidates, lifecycle, moveon, passdb, snapshot, state
from models.inventory.config import InventoryConfig, load
from models.inventory.events import reservation_event
from models.settings import Settings
from models.versions import latest

RULE_ID = "inventory"


@dataclass
class PassResult:
    pass_id: str
    reserved: list[str] = field(default_factory=list)
    oversold: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    moved_on: int = 0  # picked / released events written


def run_pass(settings: Settings, order_ids: list[str] | None = None, now: datetime | None = None) -> PassResult:
    """One reservation pass over these orders (None: every open order); see the module docstring."""
    now = now or datetime.now(UTC)
    result = PassResult("RP-" + uuid.uuid4().hex[:12].upper())
    if not lake.data_files(settings.lake_dir, "sku_map"):  # inventory not set up: not even a connection
        return result
    cfg = load(settings)
    with state_lock(settings, "reservations"):
        db, files = passdb.connect(settings)
        try:
            if not db.con.execute("select count(*) from listing_skus").fetchone()[0]:
                return result
            covered = list(files["reservation_events"])
            lag = snapshot.load(db, covered)  # the state once; what the pass writes is folded in: releases free stock
            checked = moveon.plan(db, files, cfg, now)  # only what new files or the clock can move on
            written = _move_on(settings, db, cfg, now, checked, result)
            cover = {"orders": files["orders"], "order_events": files["order_events"],
                     "reservation_events": covered + written}
            if order_ids is not None:
                passdb.scope(db, files, order_ids)
            written += _reserve(settings, db, cfg, order_ids, now, result)
            if snapshot.due(lag, len(written)):
                snapshot.save(db, covered + written)
            moveon.save(settings, cover, cfg, now)
        finally:
            db.close()
    return result


def _move_on(settings: Settings, db: LakeConnection, cfg: InventoryConfig, now: datetime, checked: bool,
             result: PassResult) -> list[str]:
    """Write and fold the due picked / released events (`checked`: of the orders in `inv_check` only)."""
    steps = lifecycle.due_steps(db, cfg, now, checked)
    rows = [reservation_event(r["order_id"], r["channel"], r["sku"], r["warehouse"], r["qty"], r["kind"],
                              r["occurred_at"], reason=r["reason"], pass_id=result.pass_id, recorded_at=now)
            for r in steps]
    result.moved_on = len(rows)
    return _write(settings, db, rows)


def _write(settings: Settings, db: LakeConnection, rows: list[dict]) -> list[str]:
    """Append events to the lake, then fold them into the pass's state; the files written."""
    written = lake.write(settings.lake_dir, "reservation_events", rows)
    state.fold(db, rows)
    return [p.as_posix() for p in written]


def _reserve(settings: Settings, db: LakeConnection, cfg: InventoryConfig, order_ids: list[str] | None,
             now: datetime, result: PassResult) -> list[str]:
    """Reserve the orders that want stock (see the module docstring); the event files written."""
    wanting = candidates.load(db, cfg, order_ids)
    if wanting.empty:
        return []
    need_rows, unmapped = candidates.needs(db)
    needs: dict[str, dict[str, int]] = {}
    for r in need_rows.itertuples():
        needs.setdefault(r.order_id, {})[r.sku] = int(r.qty)
    avail, holders = candidates.stock(db, sorted(need_rows["sku"].unique().tolist()))
    queue = [(r.order_id, r.warehouse if isinstance(r.warehouse, str) else None)
             for r in wanting.itertuples() if r.order_id not in unmapped]
    plan = allocate.allocate(queue, needs, avail)
    info = {r.order_id: r for r in wanting.itertuples()}
    rows = [reservation_event(o, info[o].channel, sku, wh, n, "reserved", info[o].want_at, pass_id=result.pass_id,
                              recorded_at=now) for o, sku, wh, n in plan.taken]
    written = _write(settings, db, rows)
    result.reserved = sorted({o for o, *_ in plan.taken})
    result.oversold = sorted(plan.short)
    result.unmapped = sorted(unmapped)
    short_skus = {sku for short in plan.short.values() for sku in short}
    takers = {k: [f"{t} ({info[t].channel})" for t in v[-3:]] for k, v in plan.takers.items() if k in short_skus}
    raise_exceptions(settings.lake_dir, [
        *(_oversell(o, info[o].channel, short, holders, takers, now) for o, short in plan.short.items()),
        *(new_exception(o, "unmapped_listing", source="inventory", rule_id=RULE_ID, detected_at=now,
                        note=f"Listing(s) {listings} of channel {info[o].channel} map to no SKU: add them to "
                             "the SKU map; the order is not reserved until then") for o, listings in unmapped.items())])
    _close_settled(settings, result.reserved, now)
    return written


def _oversell(order_id: str, channel: str, short: dict[str, tuple[int, int]], holders: dict[str, list[str]],
              takers: dict[str, list[str]], now: datetime) -> dict:
    """The exception on the order left short, naming the orders that took the last units."""
    parts = []
    for sku, (need, pool) in sorted(short.items()):
        took = [*reversed(takers.get(sku, [])), *holders.get(sku, [])][:3]
        by = ", ".join(took) if took else "nobody (no stock)"
        parts.append(f"SKU {sku}: needs {need}, {max(pool, 0)} left; last units went to {by}")
    note = f"Oversold: {order_id} ({channel}) could not be reserved. " + "; ".join(parts)
    return new_exception(order_id, "oversell", source="inventory", rule_id=RULE_ID, detected_at=now, note=note)


def _close_settled(settings: Settings, reserved: list[str], now: datetime) -> None:
    """Resolve the oversell / unmapped exceptions of orders that a pass has now reserved."""
    if not reserved:
        return
    ids = [exception_id(o, t, RULE_ID) for o in reserved for t in ("oversell", "unmapped_listing")]
    rows = [next_version(cur, now, status="resolved", resolution_code="restocked",
                         note=f"Reserved at {now:%Y-%m-%d %H:%M} UTC")
            for cur in latest(settings.lake_dir, "exceptions", ids).values() if cur["status"] in OPEN]
    lake.write(settings.lake_dir, "exceptions", rows)
