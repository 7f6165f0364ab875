"""What happened to reserved orders since: picked, shipped, cancelled, or unpaid past the expiry.

Each step is dated by when it happened (the order event's time; an expiry at reserved + the window), not
by when this ran, so a pass after hours of downtime writes exactly the events a punctual one would have.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.db import LakeConnection
from models.inventory.config import InventoryConfig

STEPS_SQL = """
with active as (
    select * from reservation_state where state in ('reserved', 'allocated') and {checked}
), due as (
    select order_id from active
    where list_contains($placed_channels::varchar[], channel) = $placed_default
      and reserved_at + to_minutes($ttl::bigint) <= $now
), paid as (
    select order_id, max(paid_at) as paid_at from lake_orders
    where order_id in (select order_id from due) group by order_id
), events as (
    {events}
), steps as (
    select order_id,
        min(occurred_at) filter (where event = 'picked') as picked_at,
        min(occurred_at) filter (where event in ('shipped', 'in_transit', 'delivered', 'completed')) as shipped_at,
        min(occurred_at) filter (where event in ('cancelled', 'refunded')) as cancelled_at
    from events group by order_id
), timed as (
    select a.* exclude (picked_at), s.picked_at, s.shipped_at, s.cancelled_at,
        case when list_contains($placed_channels::varchar[], a.channel) = $placed_default
                  and (p.paid_at is null or p.paid_at > a.reserved_at + to_minutes($ttl::bigint))
             then a.reserved_at + to_minutes($ttl::bigint) end as expires_at
    from active a left join steps s using (order_id) left join paid p using (order_id)
), decided as (
    select *, least(shipped_at, cancelled_at, case when expires_at <= $now then expires_at end) as released_at
    from timed
)
select order_id, channel, sku, warehouse, qty,
    case when released_at is not null then 'released' else 'picked' end as kind,
    case when released_at is null then null when released_at = shipped_at then 'shipped'
         when released_at = cancelled_at then 'cancelled' else 'expired' end as reason,
    coalesce(released_at, picked_at) as occurred_at
from decided
where released_at is not null or (state = 'reserved' and picked_at is not null)
order by order_id, sku, warehouse
"""


# Every active reservation, its order's steps from every event file (no move-on record, or it is stale).
ALL = {"checked": "true", "events": "select order_id, event, occurred_at from lake_order_events "
                                    "where order_id in (select order_id from active)"}
# Only the orders in `inv_check` (models/inventory/moveon.py): `whole` ones read every event file, the
# others only the event files the last move-on did not read.
CHECKED = {"checked": "order_id in (select order_id from inv_check)",
           "events": "select order_id, event, occurred_at from lake_order_events "
                     "where order_id in (select order_id from inv_check where whole) "
                     "union all select order_id, event, occurred_at from inv_new_order_events "
                     "where order_id in (select order_id from inv_check where not whole)"}


def due_steps(db: LakeConnection, cfg: InventoryConfig, now: datetime, checked: bool = False) -> list[dict[str, Any]]:
    """One dict per reservation that moves on: order_id, channel, sku, warehouse, qty, kind, reason, occurred_at.

    `checked`: only the reservations of the orders in `inv_check` (see models/inventory/moveon.py)."""
    sql = STEPS_SQL.format(**(CHECKED if checked else ALL))
    cur = db.con.execute(sql, {**cfg.placed_params(), "ttl": cfg.unpaid_expiry_minutes, "now": now})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
