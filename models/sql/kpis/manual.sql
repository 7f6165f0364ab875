-- Manual intervention: the share of orders a person had to touch (an `actions` row on the order), by week,
-- channel and reason. A touch's reason is the exception it acted on; an action on the order itself is
-- attributed to the order's latest exception detected at or before it (ASOF), else to no exception.

-- name: manual_weekly
select
    cast(date_trunc('week', timezone($tz, placed_at)) as date) as week,
    channel,
    count(*) as orders,
    manual_orders(has_action) as manual_orders,
    manual_rate(has_action) as manual_rate
from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
group by all
order by week, channel;

-- name: manual_reasons
-- One row per (action, exception type, rule): touches, orders touched and their share of all scoped orders.
with scoped as (
    select order_id from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
), touches as (
    select a.action_id, a.order_id, a.action, a.occurred_at, a.target_type, a.target_id
    from actions a
    where a.order_id in (select order_id from scoped)
), direct as (
    select t.action_id, e.type, e.rule_id
    from touches t join exceptions e on t.target_type = 'exception' and e.exception_id = t.target_id
), by_order as (
    select t.action_id, e.type, e.rule_id
    from (select * from touches where action_id not in (select action_id from direct)) t
    asof join (select order_id, detected_at, type, rule_id from exceptions) e
        on e.order_id = t.order_id and t.occurred_at >= e.detected_at
), reasons as (
    select t.order_id, t.action, coalesce(d.type, o.type, 'none') as type, coalesce(d.rule_id, o.rule_id) as rule_id
    from touches t
    left join direct d using (action_id)
    left join by_order o using (action_id)
)
select
    action, type, rule_id,
    count(*) as touches,
    count(distinct order_id) as orders,
    count(distinct order_id) / (select count(*) from scoped) as rate
from reasons
group by all
order by touches desc, action, type;
