"""What the last move-on covered, so the next pass checks only the reservations something new can move on.

    check = moveon.plan(db, files, cfg, now)   # temp table inv_check (order_id, whole); False: check all
    ...                                        # lifecycle.due_steps(db, cfg, now, check) moves them on
    moveon.save(db.settings, cover, cfg, now)  # after the pass: the files that move-on read, and `now`

Why: moving reservations on read the order id of every order event (7 M at a million orders) to learn which
of the ≈ 59 k active reservations were picked, shipped or cancelled; a pass adds a few files. A reservation
the last move-on checked and left active had, in the files it read, no shipment or cancellation (it would
have been released), and no pick unless already allocated; so only these can move on now (`inv_check`):
  - orders with rows in order or order event files that move-on did not read (`whole` = false: their
    steps come from the new event files alone, which is what the full read would find for them);
  - orders with reservation events it did not see (reserved, or refolded, after it ran: `whole` = true,
    their steps from every event file);
  - reservations made on placing whose expiry (reserved + the window) falls after its `now`: the state
    alone dates them.
Paid times (for expiries) are always read from every order file, but only for reservations whose expiry
is due. Like the saved state (models/inventory/snapshot.py), the record (`moveon.json` beside it) lists
the files by path and size; when a covered file changed or went (compaction, repair), the rule or the
expiry settings differ, or `now` runs backwards, the pass checks every active reservation, as before.
tests/inventory/test_snapshot.py runs a story both ways and compares.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from models import atomic, lake
from models.db import LakeConnection
from models.inventory import snapshot
from models.inventory.config import InventoryConfig
from models.schema import TABLES
from models.settings import Settings

RECORD = "moveon.json"
READ = ("orders", "order_events", "reservation_events")
NONE = "select null::varchar as order_id, null::varchar as event, null::timestamptz as occurred_at limit 0"

CHECK_SQL = """
create or replace temp table inv_check as
select order_id, bool_or(whole) as whole from (
    select order_id, false as whole from inv_new_orders
    union all select order_id, false from inv_new_order_events
    union all select order_id, true from inv_new_reservation_events
    union all select order_id, false from reservation_state
    where state in ('reserved', 'allocated')
      and list_contains($placed_channels::varchar[], channel) = $placed_default
      and reserved_at + to_minutes($ttl::bigint) > $since and reserved_at + to_minutes($ttl::bigint) <= $now
) group by order_id
"""


@dataclass(frozen=True)
class Record:
    """The files the last move-on read (table → path → size), its `now`, the rule and the expiry settings."""

    files: dict[str, dict[str, int]]
    now: str
    rule: str


def rule(cfg: InventoryConfig) -> str:
    return json.dumps([snapshot.fingerprint(), cfg.unpaid_expiry_minutes, cfg.placed_params()], sort_keys=True)


def plan(db: LakeConnection, files: dict[str, list[str]], cfg: InventoryConfig, now: datetime) -> bool:
    """Fill `inv_check` with the orders to check and return True; False when every active one must be."""
    saved = _read(db.settings)
    if saved is None or saved.rule != rule(cfg) or datetime.fromisoformat(saved.now) > now:
        return False
    newer = {}
    for table in READ:
        sized = snapshot.sized(db.settings, files[table])
        if any(sized.get(path) != size for path, size in saved.files[table].items()):
            return False
        newer[table] = [f for f in files[table] if snapshot.relative(db.settings, f) not in saved.files[table]]
    for table, new in newer.items():
        source = lake.read_sql(TABLES[table], new) if new else NONE
        db.con.execute(f"create or replace temp view inv_new_{table} as select * from ({source})")
    db.con.execute(CHECK_SQL, {**cfg.placed_params(), "ttl": cfg.unpaid_expiry_minutes, "now": now,
                               "since": datetime.fromisoformat(saved.now)})
    return True


def save(settings: Settings, cover: dict[str, list[str]], cfg: InventoryConfig, now: datetime) -> None:
    """Record that move-on at `now` read these files (reservation events: those folded when it ran)."""
    record = Record({t: snapshot.sized(settings, cover[t]) for t in READ}, now.isoformat(), rule(cfg))
    atomic.write_text(snapshot.folder(settings) / RECORD, json.dumps(record.__dict__))


def _read(settings: Settings) -> Record | None:
    try:
        record = Record(**json.loads((snapshot.folder(settings) / RECORD).read_text(encoding="utf-8")))
        return record if set(record.files) == set(READ) else None
    except Exception:  # missing, older layout, edited by hand: check every active reservation
        return None
