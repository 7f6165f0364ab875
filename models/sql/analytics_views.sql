-- Table macros the analytics KPIs (models/sql/kpis/{flow,capacity,...}.sql) share; created by
-- models/analytics/marts.py on a connection after models/db.py built the foundation views.

-- Event occurrences of the scoped orders. Several sources report the same step (wms, carrier and platform
-- each say `shipped`): the k-th report of a step by any source is one occurrence, at the earliest of those
-- reports. A step done twice (re-reviewed, re-allocated) has occurrences k = 1 and k = 2: a loop back.
-- Reads lake_order_events under the order filter, then dedupes by event_id (event_id fixes order_id, so
-- filter-then-dedupe equals the order_events view, at a fraction of the cost of deduping every event).
-- Events stamped more than 31 days before the range cannot be those of an order placed in it (an order's
-- events follow its placing; the margin absorbs clocks that disagree): the bound lets Parquet statistics
-- skip the older files instead of reading every event's order_id.
-- Only orders flagged trace_from_events are read here (see scoped_steps); the others have one occurrence per
-- step, at its first time, which order_facts already holds.
create or replace macro scoped_occurrences(start_at, end_at, channels, shops, warehouses) as table
with events as (
    select distinct on (event_id) order_id, event, source, occurred_at
    from lake_order_events
    where occurred_at >= start_at - interval 31 days
      and order_id in (select order_id from scoped_orders(start_at, end_at, channels, shops, warehouses)
                       where trace_from_events)
    order by event_id
), reports as (
    select *, row_number() over (partition by order_id, event, source order by occurred_at) as k
    from events
)
select
    order_id, event, k, min(occurred_at) as occurred_at,
    list_position(['placed', 'paid', 'reviewed', 'allocated', 'picked', 'packed', 'shipped', 'in_transit',
        'delivered', 'completed', 'cancelled', 'refunded', 'returned'], event) as lifecycle_rank
from reports
group by order_id, event, k;

-- Each occurrence with the one that directly follows it in the order's trace (time, then lifecycle order).
-- Most orders' traces are their first-occurrence times in order_facts (first_trace): no event is read for
-- them. Orders where a source reported a step more than once (a loop back) are traced from their events.
create or replace macro scoped_steps(start_at, end_at, channels, shops, warehouses) as table
select
    order_id, event, k, occurred_at,
    row_number() over w as step_no,
    lead(event) over w as next_event,
    date_diff('second', occurred_at, lead(occurred_at) over w) / 3600.0 as next_h
from scoped_occurrences(start_at, end_at, channels, shops, warehouses)
window w as (partition by order_id order by occurred_at, lifecycle_rank, k)
union all
select order_id, trace[i].e as event, 1 as k, trace[i].t as occurred_at, i as step_no, trace[i + 1].e as next_event,
    date_diff('second', trace[i].t, trace[i + 1].t) / 3600.0 as next_h
from (
    select order_id, trace, unnest(range(1, len(trace) + 1)) as i
    from (
        select order_id, first_trace(placed_evt_at, paid_evt_at, reviewed_at, allocated_at, picked_at, packed_at,
            shipped_at, in_transit_at, delivered_at, completed_at, cancelled_at, refunded_at, returned_at) as trace
        from scoped_orders(start_at, end_at, channels, shops, warehouses)
        where not trace_from_events
    )
);

-- Hours of the steps a warehouse controls, one row per (order, step), impossible (negative) ones left out.
create or replace macro warehouse_stage_hours(start_at, end_at, channels, shops, warehouses) as table
select warehouse, replace(substr(stage, 3), '_', '→') as stage, hours
from (
    unpivot (
        select warehouse, h_paid_reviewed, h_reviewed_allocated, h_allocated_picked, h_picked_packed,
               h_packed_shipped
        from scoped_orders(start_at, end_at, channels, shops, warehouses)
        where warehouse is not null
    ) on columns(* exclude (warehouse)) into name stage value hours
)
where hours >= 0;

-- Where each scoped order waits now (`as_of`): the next warehouse step it has not reached yet.
create or replace macro waiting_orders(start_at, end_at, channels, shops, warehouses, as_of) as table
select *,
    case
        when packed_at is not null then 'ship'
        when picked_at is not null then 'pack'
        when allocated_at is not null then 'pick'
        else 'allocate'
    end as waiting_for
from scoped_orders(start_at, end_at, channels, shops, warehouses)
where paid_at is not null and paid_at <= as_of and shipped_at is null and cancelled_at is null
  and refunded_at is null;

-- Return lines requested in [start_at, end_at) on orders of the given channels, shops and warehouses.
create or replace macro scoped_returns(start_at, end_at, channels, shops, warehouses) as table
select r.*, o.channel, o.shop_id, o.warehouse
from returns r
join order_facts o using (order_id)
where r.requested_at >= start_at and r.requested_at < end_at
  and (len(channels) = 0 or list_contains(channels, o.channel))
  and (len(shops) = 0 or list_contains(shops, o.shop_id))
  and (len(warehouses) = 0 or list_contains(warehouses, o.warehouse));

-- The Explore page's rows: scoped orders narrowed by status, exception type and return reason (empty = all).
create or replace macro explore_rows(start_at, end_at, channels, shops, warehouses, statuses, exc_types,
                                     reasons) as table
select *
from scoped_orders(start_at, end_at, channels, shops, warehouses)
where (len(statuses) = 0 or list_contains(statuses, status))
  and (len(exc_types) = 0 or order_id in (select order_id from exceptions where list_contains(exc_types, type)))
  and (len(reasons) = 0 or order_id in (select order_id from returns where list_contains(reasons, reason_code)));

-- The value of one Explore group-by for a row, as text ('none' = no grouping).
create or replace macro explore_key(dim, tz, placed_at, channel, shop_id, warehouse, carrier, status, province) as
case dim
    when 'day' then cast(cast(timezone(tz, placed_at) as date) as varchar)
    when 'week' then cast(cast(date_trunc('week', timezone(tz, placed_at)) as date) as varchar)
    when 'hour' then strftime(timezone(tz, placed_at), '%Y-%m-%d %H:00')
    when 'channel' then channel
    when 'shop' then shop_id
    when 'warehouse' then warehouse
    when 'carrier' then carrier
    when 'status' then status
    when 'province' then province
    else 'all'
end;

-- The on-time ship rate of a group of orders (the `summary` KPI's definition, for grouped queries): shipped by
-- their ship-by time, over the orders that shipped or are overdue and not cancelled at `as_of`.
create or replace macro on_time_rate(shipped_at, ship_by_at, cancelled_at, as_of) as
count(*) filter (where shipped_at is not null and shipped_at <= ship_by_at)
    / nullif(count(*) filter (where ship_by_at is not null
        and (shipped_at is not null or (ship_by_at < as_of and cancelled_at is null))), 0);
