-- Exceptions: how many, where, which causes dominate, how old the open ones are, how fast they close.
-- Exceptions belong to the scoped orders and were detected in the date range (scoped_exceptions); each
-- counts in its current state.

-- name: exceptions_weekly
-- Raised per ISO week (Monday, local) × type × channel, and the rate per order placed in that week and channel.
with raised as (
    select cast(date_trunc('week', timezone($tz, detected_at)) as date) as week, channel, type, count(*) as raised
    from scoped_exceptions($start_at, $end_at, $channels, $shops, $warehouses)
    group by all
), placed as (
    select cast(date_trunc('week', timezone($tz, placed_at)) as date) as week, channel, count(*) as orders
    from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
    group by all
)
select week, channel, type, raised, coalesce(orders, 0) as orders, raised / nullif(orders, 0) as rate
from raised left join placed using (week, channel)
order by week, channel, type;

-- name: exceptions_pareto
-- Causes (exception type) by count, with the cumulative share: the Pareto chart's bars and line.
with by_type as (
    select type, count(*) as raised
    from scoped_exceptions($start_at, $end_at, $channels, $shops, $warehouses)
    group by type
)
select
    type, raised,
    raised / sum(raised) over () as share,
    sum(raised) over (order by raised desc, type rows unbounded preceding) / sum(raised) over () as cumulative_share
from by_type
order by raised desc, type;

-- name: exceptions_aging
-- Exceptions still open at $as_of, by age since detection: [0, 2 h), [2 h, 8 h), [8 h, 24 h), [1 d, 3 d), ≥ 3 d.
with open_now as (
    select date_diff('second', detected_at, $as_of) / 3600.0 as age_h
    from scoped_exceptions($start_at, $end_at, $channels, $shops, $warehouses)
    where status in ('open', 'in_progress') and detected_at <= $as_of
), buckets(bucket, lo, hi) as (
    values ('<2h', 0, 2), ('2-8h', 2, 8), ('8-24h', 8, 24), ('1-3d', 24, 72), ('>3d', 72, 1e9)
)
select b.bucket, count(o.age_h) as open
from buckets b
left join open_now o on o.age_h >= b.lo and o.age_h < b.hi
group by b.bucket, b.lo
order by b.lo;

-- name: exceptions_resolution
-- Per type: raised, and where each one is now, so that raised = open + resolved + auto_closed + dismissed
-- + other (other: any status outside the lifecycle, kept visible rather than lost); resolved counts the
-- ones a person resolved, auto_closed the ones the rules closed when their condition stopped holding.
-- Mean / median hours from detection to resolution over everything resolved (people and rules).
select
    type,
    count(*) as raised,
    count(*) filter (where status in ('open', 'in_progress')) as open,
    count(*) filter (where status = 'resolved' and resolution_code is distinct from 'auto_cleared') as resolved,
    count(*) filter (where status = 'resolved' and resolution_code = 'auto_cleared') as auto_closed,
    count(*) filter (where status = 'dismissed') as dismissed,
    count(*) filter (where status is null or status not in ('open', 'in_progress', 'resolved', 'dismissed'))
        as other,
    avg(date_diff('second', detected_at, resolved_at) / 3600.0)
        filter (where status = 'resolved' and resolved_at >= detected_at) as mttr_h,
    median(date_diff('second', detected_at, resolved_at) / 3600.0)
        filter (where status = 'resolved' and resolved_at >= detected_at) as resolve_median_h
from scoped_exceptions($start_at, $end_at, $channels, $shops, $warehouses)
group by rollup (type)
order by type nulls first;
