-- Capacity: intake per hour against its trailing baseline, backlog per warehouse and step, orders at risk.

-- name: capacity_hourly
-- Orders placed per local hour in the range, against the baseline: the mean intake of the same weekday-hour
-- in the previous 4 weeks (hours with no orders count as 0; weeks before the lake's first order don't count).
-- An hour alerts when its intake EXCEEDS $alert_ratio × baseline (exactly equal does not) and baseline > 0.
with counts as (
    select date_trunc('hour', timezone($tz, placed_at)) as hour, count(*) as orders
    from scoped_orders($start_at - interval 28 day, $end_at, $channels, $shops, $warehouses)
    group by all
), span as (
    select
        date_trunc('hour', timezone($tz, $start_at - interval 28 day)) as lo,
        timezone($tz, $end_at) - interval 1 hour as hi,
        date_trunc('hour', timezone($tz, (select min(placed_at) from order_facts))) as first_hour
), series as (
    select h.hour, coalesce(c.orders, 0) as orders
    from (select unnest(generate_series(lo, hi, interval 1 hour)) as hour from span) h
    left join counts c using (hour)
), weeks(days) as (
    values (7), (14), (21), (28)
), baseline as (
    select s.hour, avg(p.orders) as baseline, count(p.orders) as baseline_weeks
    from series s
    cross join weeks w
    left join series p on p.hour = s.hour - to_days(w.days) and p.hour >= (select first_hour from span)
    group by s.hour
)
select
    s.hour, s.orders, b.baseline, b.baseline_weeks,
    s.orders / nullif(b.baseline, 0) as ratio,
    coalesce(b.baseline > 0 and s.orders > $alert_ratio * b.baseline, false) as is_alert
from series s join baseline b using (hour)
where s.hour >= timezone($tz, $start_at)
order by s.hour;

-- name: capacity_backlog
-- Paid orders not yet shipped (nor cancelled or refunded) at $as_of, by warehouse and the step they wait for,
-- with the oldest one's hours since payment.
select
    coalesce(warehouse, '–') as warehouse,
    waiting_for,
    count(*) as orders,
    max(date_diff('second', paid_at, $as_of)) / 3600.0 as oldest_h
from waiting_orders($start_at, $end_at, $channels, $shops, $warehouses, $as_of)
group by 1, 2
order by warehouse, list_position(['allocate', 'pick', 'pack', 'ship'], waiting_for);

-- name: capacity_at_risk
-- Waiting orders whose ship-by time has passed or falls within the next 4 hours, most urgent first: the
-- first $row_limit, each with how many there are in all (`total`; a backlog can hold tens of thousands).
select
    order_id, channel, warehouse, status, waiting_for, ship_by_at,
    date_diff('second', $as_of, ship_by_at) / 3600.0 as hours_left,
    count(*) over () as total
from waiting_orders($start_at, $end_at, $channels, $shops, $warehouses, $as_of)
where ship_by_at < $as_of + interval 4 hour
order by ship_by_at, order_id
limit $row_limit;

-- name: capacity_acknowledged
-- Capacity alerts someone acknowledged (actions written by the Capacity page), latest first.
select target_id as alert_id, "user", occurred_at
from actions
where action = 'acknowledge_alert' and target_type = 'capacity_alert'
qualify row_number() over (partition by target_id order by occurred_at desc) = 1
order by occurred_at desc;
