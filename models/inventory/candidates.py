"""Which orders want stock now, what each needs per SKU, and what is there to give.

An order wants stock when it is open (not shipped or cancelled), holds no reservation, has not been
released for shipping or cancelling, and has reached its channel's moment (paid, or placed for a channel
that reserves on placing; an unpaid order whose reservation expired waits for its payment).
"""

from __future__ import annotations

import pandas as pd

from models.db import LakeConnection
from models.inventory.config import InventoryConfig

CANDIDATES_SQL = """
create or replace temp table inv_candidates as
with o as (
    select order_id, channel, warehouse, placed_at, paid_at from orders
    where $all_orders or order_id in (select unnest($ids::varchar[]))
), prior as (
    select order_id, bool_or(state <> 'released') as active,
        bool_or(reason in ('shipped', 'cancelled')) as finished, bool_or(reason = 'expired') as expired
    from reservation_state where order_id in (select order_id from o) group by order_id
), timed as (
    select o.*, coalesce(p.expired, false) as expired,
        list_contains($placed_channels::varchar[], o.channel) = $placed_default as on_placing
    from o left join prior p using (order_id)
    where not coalesce(p.active or p.finished, false)
)
select t.order_id, t.channel, t.warehouse,
    case when t.on_placing and not t.expired then t.placed_at else t.paid_at end as want_at
from timed t join order_lifecycle lc using (order_id)
where lc.stage in ('pending_payment', 'to_review', 'to_ship', 'allocated', 'picked', 'packed')
  and (case when t.on_placing and not t.expired then t.placed_at else t.paid_at end) is not null
"""

NEEDS_SQL = """
select l.order_id, m.sku, cast(sum(l.qty * m.qty) as bigint) as qty
from order_lines l join inv_candidates c using (order_id)
join listing_skus m on m.channel = c.channel and m.listing_id = l.sku
group by all
"""

UNMAPPED_SQL = """
select l.order_id, string_agg(distinct coalesce(l.sku, '(no SKU)'), ', ' order by coalesce(l.sku, '(no SKU)'))
    as listings
from order_lines l join inv_candidates c using (order_id)
left join (select distinct channel, listing_id from listing_skus) m on m.channel = c.channel and m.listing_id = l.sku
where m.listing_id is null
group by l.order_id
"""

STOCK_SQL = """
select sku, warehouse, available from inventory_available where sku in (select unnest($skus::varchar[]))
"""

HOLDERS_SQL = """
select sku, order_id, channel from reservation_state
where state <> 'released' and sku in (select unnest($skus::varchar[]))
qualify row_number() over (partition by sku order by reserved_at desc, order_id desc) <= 3
order by sku, reserved_at desc, order_id desc
"""


def load(db: LakeConnection, cfg: InventoryConfig, order_ids: list[str] | None) -> pd.DataFrame:
    """The orders that want stock (order_id, channel, warehouse, want_at), in the order they get it."""
    db.con.execute(CANDIDATES_SQL, {"ids": list(order_ids or []), "all_orders": order_ids is None,
                                    **cfg.placed_params()})
    return db.con.execute("select * from inv_candidates order by want_at, order_id").df()


def needs(db: LakeConnection) -> tuple[pd.DataFrame, dict[str, str]]:
    """Units per (order, SKU) through the live map, and the orders with an unmapped listing → those listings."""
    unmapped = dict(db.con.execute(UNMAPPED_SQL).fetchall())
    return db.con.execute(NEEDS_SQL).df(), unmapped


def stock(db: LakeConnection, skus: list[str]) -> tuple[dict[str, dict[str, int]], dict[str, list[str]]]:
    """sku → warehouse → available; sku → the orders holding its latest reservations (newest first)."""
    avail: dict[str, dict[str, int]] = {}
    for sku, wh, n in db.con.execute(STOCK_SQL, {"skus": skus}).fetchall():
        avail.setdefault(sku, {})[wh] = int(n)
    holders: dict[str, list[str]] = {}
    for sku, order_id, channel in db.con.execute(HOLDERS_SQL, {"skus": skus}).fetchall():
        holders.setdefault(sku, []).append(f"{order_id} ({channel})")
    return avail, holders
