-- Flow efficiency: how long each step takes, where orders go, and where they wait.
-- Reads order_facts (first occurrence of each step) and the shared macros in models/sql/macros.sql.
-- Durations in hours; negative (impossible) durations are left out here and counted on the Data quality page.

-- name: flow_stage_breakdown
-- Median and p90 of each step by local day, ISO week (Monday), channel and warehouse: one long table,
-- `dim` says which grouping a row belongs to and `key` holds its value as text.
-- Day and week are worked out per order before the unpivot, the step's label per group after the grouping,
-- and both quantiles come from one state (median and quantile_cont each kept every value: 2.5 → 1.4 s at 90 days
-- of the 10 M bench lake, the same figures).
with hours as (
    select channel, warehouse, day, week, h, hours
    from (
        unpivot (
            select channel, coalesce(warehouse, '–') as warehouse, day, cast(date_trunc('week', day) as date) as week,
                h_placed_paid, h_paid_reviewed, h_reviewed_allocated, h_allocated_picked, h_picked_packed,
                h_packed_shipped, h_shipped_delivered, h_delivered_completed
            from (select *, cast(timezone($tz, placed_at) as date) as day
                  from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses))
        ) on columns('^h_') into name h value hours
    )
    where hours >= 0
)
select dim, key, replace(substr(h, 3), '_', '→') as stage, orders, q[1] as median_h, q[2] as p90_h
from (
    select
        case when grouping(day) = 0 then 'day' when grouping(week) = 0 then 'week'
             when grouping(channel) = 0 then 'channel' else 'warehouse' end as dim,
        cast(coalesce(cast(day as varchar), cast(week as varchar), channel, warehouse) as varchar) as key,
        h,
        count(*) as orders,
        quantile_cont(hours, [0.5, 0.9]) as q
    from hours
    group by grouping sets ((h, day), (h, week), (h, channel), (h, warehouse))
)
order by dim, key, stage;

-- name: flow_daily
-- Paid→shipped lead time per local day of payment: median, p90, share within the target ($lead_target_h)
-- and the on-time ship rate (the `summary` definition: shipped by ship-by, over orders shipped or overdue)
-- beside the delivered-on-time rate (delivered by the promise, over the delivered orders with a promise).
select
    cast(timezone($tz, paid_at) as date) as day,
    lead_time_orders(lead_hours) as shipped_orders,
    lead_time_median_h(lead_hours) as median_h,
    lead_time_p90_h(lead_hours) as p90_h,
    count(*) filter (where lead_hours >= 0 and lead_hours <= $lead_target_h)
        / nullif(lead_time_orders(lead_hours), 0) as within_target_rate,
    on_time_rate(shipped_at, ship_by_at, cancelled_at, $as_of) as on_time_rate,
    delivered_on_time_rate(delivered_at, promised_delivery_at) as delivered_on_time_rate
from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
where paid_at is not null
group by all
order by day;

-- name: flow_transitions
-- The directly-follows graph: each step and the step right after it in an order's trace, with how many
-- orders made that move and the median hours it took.
-- Moves are the trace zipped with itself one step on. An order that never loops back makes each move at
-- most once, so only the looping orders (a few percent) are counted distinct, apart: one distinct count
-- over every move kept every order id (5.6 → 1.4 s at 90 days of the 10 M bench lake, the same figures).
-- Hours from `whole_seconds` (models/sql/macros.sql), not date_diff('second'): the same count, 30 times faster.
with traces as (
    select order_id, trace, list_max(list_transform(trace, lambda x: x.k)) > 1 as loops
    from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
    where len(trace) > 1
), moves as (
    select p[1].e as from_event, p[2].e as to_event, count(*) as transitions,
        count(*) filter (where not loops) as plain_orders,
        median(whole_seconds(p[1].t, p[2].t) / 3600.0) as median_h
    from (select loops, unnest(list_zip(trace[:-2], trace[2:])) as p from traces)
    group by all
), looping as (
    select from_event, to_event, count(*) as orders
    from (select distinct order_id, p[1].e as from_event, p[2].e as to_event
          from (select order_id, unnest(list_zip(trace[:-2], trace[2:])) as p from traces where loops))
    group by all
)
select from_event, to_event, transitions, plain_orders + coalesce(looping.orders, 0) as orders, median_h
from moves
left join looping using (from_event, to_event)
order by transitions desc, from_event, to_event;

-- name: flow_variants
-- The ten most common paths (variants) through the lifecycle and whether each loops back.
-- Grouped by the path as text, not as a list of steps (0.65 → 0.54 s at 90 days of the 10 M bench lake).
with traces as (
    select array_to_string(list_transform(trace, lambda x: x.e), ' → ') as variant, len(trace) as steps,
        list_max(list_transform(trace, lambda x: x.k)) > 1 as loops
    from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
    where trace is not null
)
select
    variant,
    any_value(steps) as steps,
    count(*) as orders,
    count(*) / sum(count(*)) over () as share,
    bool_or(loops) as loops
from traces
group by variant
order by orders desc, variant
limit 10;

-- name: flow_rework
-- Orders whose trace loops back (a step done more than once: re-reviewed, re-allocated, re-routed).
with traces as materialized (
    select trace, list_max(list_transform(trace, lambda x: x.k)) > 1 as loops
    from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
    where trace is not null
)
select
    count(*) as orders,
    count(*) filter (where loops) as rework_orders,
    count(*) filter (where loops) / nullif(count(*), 0) as rework_share,
    (select list_sort(list(distinct x.e)) from (select unnest(trace) as x from traces where loops) where x.k > 1)
        as repeated_steps
from traces;

-- name: flow_bottleneck
-- Step × warehouse medians now and in the period of equal length before, slowest first: the first row is
-- the current bottleneck. `change` is the relative change of the median (0.8 = up 80 %).
with now_ as (
    select warehouse, h, count(*) as orders, median(hours) as median_h
    from warehouse_stage_hours($start_at, $end_at, $channels, $shops, $warehouses)
    group by all
), before as (
    select warehouse, h, median(hours) as prev_median_h
    from warehouse_stage_hours($start_at - ($end_at - $start_at), $start_at, $channels, $shops, $warehouses)
    group by all
)
select
    warehouse, replace(substr(h, 3), '_', '→') as stage, orders, median_h, prev_median_h,
    median_h / nullif(prev_median_h, 0) - 1 as change
from now_ left join before using (warehouse, h)
order by median_h desc, stage, warehouse;
