"""The reservation state of one pass, computed once and kept up to date by the pass itself.

`reservation_state` (models/sql/inventory.sql) folds the whole event history; a pass read it four times
and opened a second connection to see its own releases. `freeze` computes it once into a temp table of the
same name on the pass's connection (temp objects come first in DuckDB's name lookup, so every view that
reads `reservation_state`, such as `inventory_available`, reads the table); `fold` applies the events the
pass has just written by the same rule (`reservation_state_of`), so the state equals the view's over the
lake as it is after the write. The lake stays the only truth: nothing of this outlives the connection.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from models.db import LakeConnection

NEW_EVENTS = pa.schema([("order_id", pa.string()), ("sku", pa.string()), ("warehouse", pa.string()),
                        ("channel", pa.string()), ("qty", pa.int32()), ("kind", pa.string()), ("reason", pa.string()),
                        ("occurred_at", pa.timestamp("us", tz="UTC"))])
FREEZE_SQL = "create or replace temp table reservation_state as from reservation_state"

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


def freeze(db: LakeConnection) -> None:
    """Compute `reservation_state` once for this connection (a temp table shadowing the view)."""
    db.con.execute(FREEZE_SQL)


def fold(db: LakeConnection, events: list[dict[str, Any]]) -> None:
    """Apply `reservation_events` rows just written to the lake to the frozen state."""
    if not events:
        return
    new = pa.Table.from_pylist([{c: e[c] for c in NEW_EVENTS.names} for e in events], schema=NEW_EVENTS)
    db.con.register("inv_new_events_arrow", new)
    try:
        db.con.execute("create or replace temp table inv_new_events as from inv_new_events_arrow")
    finally:
        db.con.unregister("inv_new_events_arrow")
    db.con.execute(FOLD_SQL)
    db.con.execute("delete from reservation_state s where exists (select 1 from inv_new_events n where "
                   "n.order_id = s.order_id and n.sku = s.sku and n.warehouse = s.warehouse)")
    db.con.execute("insert into reservation_state by name from reservation_state_of('inv_fold_events')")
