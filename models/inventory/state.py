"""The reservation state of one pass, computed once and kept up to date by the pass itself.

`reservation_state` (models/sql/inventory.sql) folds the whole event history. A pass holds it in a temp
table of the same name on its connection (temp objects come first in DuckDB's name lookup, so every view
that reads `reservation_state`, such as `inventory_available`, reads the table): `freeze` folds the whole
history into it; `models.inventory.snapshot` starts it from the saved state instead and folds only the
newer event files (`fold_files`); `fold` applies the events the pass has just written. Every fold applies
the same rule (`reservation_state_of`) to the touched rows re-expressed as events plus the new events,
deduplicated as the `reservation_events` view dedupes them, so the table equals the view over the lake as
it is after the write. The events stay the only truth.

Why re-expressing a row as events is exact: the rule takes a row's channel, qty and reason from its latest
event by (occurred_at, kind rank) and keeps the latest reserved and picked times; a row's own values carry
all of that. The one case they cannot settle is a new event that ties the row's latest event (the same
event id, written again; compaction's merged copy): which version counts is the dedupe's choice, so those
rows are folded again from their whole history (`TIED_SQL`). An event id names its order, SKU, warehouse,
kind and instant (models/inventory/events.py), so any other repeat cannot change a row.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from models import lake
from models.db import LakeConnection
from models.schema import TABLES
from models.views import current_rows_sql

EVENTS = TABLES["reservation_events"]
FREEZE_SQL = "create or replace temp table reservation_state as from reservation_state_of('reservation_events')"

# The touched rows, each as the events that reproduce it (its reserved, picked and latest step), plus the
# new events: the same rule over these gives what it gives over the whole history with the new events in.
FOLD_SQL = """
create or replace temp table inv_fold_events as
with touched as (
    select s.* from reservation_state s semi join inv_new_events n using (order_id, sku, warehouse)
)
select t.order_id, t.sku, t.warehouse, t.channel, t.qty, k.kind, t.reason, k.occurred_at
from touched t, (values ('reserved'), ('picked'), ('latest')) k0(step),
    lateral (select case k0.step when 'latest' then t.last_kind else k0.step end as kind,
                    case k0.step when 'reserved' then t.reserved_at when 'picked' then t.picked_at
                         else t.changed_at end as occurred_at) k
where k.occurred_at is not null
union all by name
select order_id, sku, warehouse, channel, qty, kind, reason, occurred_at from inv_new_events
"""

# Rows whose latest event a new event ties: refolded from every version of their events in the lake and
# among the new ones (the connection's files may predate the pass's own writes).
TIED_SQL = """
create or replace temp table inv_tied as
select distinct s.order_id, s.sku, s.warehouse
from reservation_state s join inv_new_events n using (order_id, sku, warehouse)
where n.occurred_at = s.changed_at and reservation_kind_rank(n.kind) = reservation_kind_rank(s.last_kind)
"""
TIED_EVENTS_SQL = """
create or replace temp view lake_inv_tied as
select * from lake_reservation_events semi join inv_tied using (order_id, sku, warehouse)
union all by name
select * from lake_inv_new_raw semi join inv_tied using (order_id, sku, warehouse)
"""


def freeze(db: LakeConnection) -> None:
    """Fold the whole event history once for this connection (a temp table shadowing the view)."""
    db.con.execute(FREEZE_SQL)


def fold(db: LakeConnection, events: list[dict[str, Any]]) -> None:
    """Apply `reservation_events` rows just written to the lake to the state."""
    if not events:
        return
    db.con.register("inv_new_arrow", lake.conform(EVENTS, events))
    try:
        db.con.execute("create or replace temp table lake_inv_new_raw as from inv_new_arrow")
    finally:
        db.con.unregister("inv_new_arrow")
    _merge(db)


def fold_files(db: LakeConnection, files: list[str]) -> None:
    """Apply the events of these lake files (ones the state does not cover yet) to the state."""
    if not files:
        return
    db.con.execute(f"create or replace temp table lake_inv_new_raw as {lake.read_sql(EVENTS, files)}")
    _merge(db)


def _merge(db: LakeConnection) -> None:
    """Fold `lake_inv_new_raw` (new event rows, every version) into `reservation_state`."""
    db.con.execute(f"create or replace temp table inv_new_events as {_deduped('inv_new_raw')}")
    db.con.execute(TIED_SQL)
    db.con.execute(FOLD_SQL)
    _replace_rows(db, "inv_new_events", "inv_fold_events")
    if db.con.execute("select count(*) from inv_tied").fetchone()[0]:
        db.con.execute(TIED_EVENTS_SQL)
        db.con.execute(f"create or replace temp view inv_tied_events as {_deduped('inv_tied')}")
        _replace_rows(db, "inv_tied", "inv_tied_events")


def _replace_rows(db: LakeConnection, keys: str, events: str) -> None:
    """Replace the state's rows of the keys in `keys` by the rule applied to `events`."""
    db.con.execute(f"delete from reservation_state s using {keys} k where s.order_id = k.order_id "
                   "and s.sku = k.sku and s.warehouse = k.warehouse")
    db.con.execute(f"insert into reservation_state by name from reservation_state_of('{events}')")


def _deduped(name: str) -> str:
    """The current version of each event among `lake_<name>`: the `reservation_events` view's own rule."""
    return current_rows_sql(replace(EVENTS, name=name))
