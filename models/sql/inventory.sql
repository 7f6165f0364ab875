-- Inventory: the live SKU map, reservation state and available-to-sell (docs/inventory.md).
-- Available-to-sell is defined here once (`available_to_sell`); every reader (routing, the reservation
-- pass, the Inventory page, alerts, the stock push) reads `inventory_available` or `inventory_pool`.

-- The formula, once: on hand − reserved (paid, not yet picked) − allocated (picked, not shipped) − safety.
create or replace macro available_to_sell(on_hand, reserved, allocated, safety_stock) as
    coalesce(on_hand, 0) - coalesce(reserved, 0) - coalesce(allocated, 0) - coalesce(safety_stock, 0);

-- The live listing → SKU map: the current version of each component, without removed ones (qty 0).
create or replace view listing_skus as
select channel, listing_id, sku, qty, updated_at, updated_by
from sku_map
where qty > 0;

-- The latest count per SKU × warehouse: the base that movements and shipments since then move.
create or replace view stock_counts as
select sku, warehouse, snapshot_at as counted_at, on_hand, coalesce(safety_stock, 0) as safety_stock
from inventory
qualify row_number() over (partition by sku, warehouse order by snapshot_at desc) = 1;

-- One row per (order, sku, warehouse): its latest reservation event decides the state.
-- Events of one instant are ordered reserved < picked < released. A table macro over any table of events
-- (order_id, sku, warehouse, channel, qty, kind, reason, occurred_at), so the reservation pass can fold
-- its own new events into the state it computed once (models/inventory/state.py) by this same rule.
create or replace macro reservation_kind_rank(kind) as case kind when 'reserved' then 0 when 'picked' then 1 else 2 end;

create or replace macro reservation_state_of(events) as table
with ranked as (
    select *, reservation_kind_rank(kind) as kind_rank
    from query_table(events)
)
select order_id, sku, warehouse,
    arg_max(channel, (occurred_at, kind_rank)) as channel,
    arg_max(qty, (occurred_at, kind_rank)) as qty,
    arg_max(kind, (occurred_at, kind_rank)) as last_kind,
    arg_max(reason, (occurred_at, kind_rank)) as reason,
    max(occurred_at) filter (where kind = 'reserved') as reserved_at,
    max(occurred_at) filter (where kind = 'picked') as picked_at,
    max(occurred_at) as changed_at,
    case arg_max(kind, (occurred_at, kind_rank))
        when 'reserved' then 'reserved' when 'picked' then 'allocated' else 'released' end as state
from ranked
group by order_id, sku, warehouse;

create or replace view reservation_state as from reservation_state_of('reservation_events');

-- Available-to-sell per SKU × warehouse. On hand = the latest count + movements after it (a feed's
-- `shipment` rows excepted) − units of orders shipped after it (their released reservations).
create or replace view inventory_available as
with moved as (
    select m.sku, m.warehouse, sum(m.qty) as qty
    from stock_movements m left join stock_counts c using (sku, warehouse)
    where m.kind <> 'shipment' and (c.counted_at is null or m.occurred_at > c.counted_at)
    group by all
), held as (
    select r.sku, r.warehouse,
        sum(r.qty) filter (where r.state = 'reserved') as reserved,
        sum(r.qty) filter (where r.state = 'allocated') as allocated,
        sum(r.qty) filter (where r.state = 'released' and r.reason = 'shipped'
                                 and (c.counted_at is null or r.changed_at > c.counted_at)) as shipped
    from reservation_state r left join stock_counts c using (sku, warehouse)
    group by all
), keys as (
    select sku, warehouse from stock_counts
    union select sku, warehouse from moved
    union select sku, warehouse from held where reserved > 0 or allocated > 0
), totals as (
    select k.sku, k.warehouse,
        cast(coalesce(c.on_hand, 0) + coalesce(m.qty, 0) - coalesce(h.shipped, 0) as bigint) as on_hand,
        cast(coalesce(h.reserved, 0) as bigint) as reserved,
        cast(coalesce(h.allocated, 0) as bigint) as allocated,
        cast(coalesce(c.safety_stock, 0) as bigint) as safety_stock
    from keys k
    left join stock_counts c using (sku, warehouse)
    left join moved m using (sku, warehouse)
    left join held h using (sku, warehouse)
)
select sku, warehouse, on_hand, reserved, allocated, safety_stock,
    available_to_sell(on_hand, reserved, allocated, safety_stock) as available
from totals;

-- The whole pool per SKU: the same formula over the warehouses' sums.
create or replace view inventory_pool as
with sums as (
    select sku, cast(sum(on_hand) as bigint) as on_hand, cast(sum(reserved) as bigint) as reserved,
        cast(sum(allocated) as bigint) as allocated, cast(sum(safety_stock) as bigint) as safety_stock
    from inventory_available
    group by sku
)
select sku, on_hand, reserved, allocated, safety_stock,
    available_to_sell(on_hand, reserved, allocated, safety_stock) as available
from sums;

-- Days the available stock lasts at the recent daily sales rate (null when nothing sold recently).
create or replace macro days_of_cover(available, daily_rate) as
    case when coalesce(daily_rate, 0) > 0 then greatest(available, 0) / daily_rate end;
