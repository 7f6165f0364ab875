-- Reads of the triage console (queue, order detail, audit). Parameters: $as_of (UTC now), $order_id, ...
-- $channels, $shops, $warehouses: the signed-in user's access (empty = all; a row outside it is left out,
-- and so is a row whose order the lake does not hold when any of them is restricted).

-- name: queue
select
    e.exception_id, e.type, e.severity, e.status, e.assignee, e.order_id, o.channel, o.shop_id, o.warehouse,
    o.carrier,
    e.rule_id, e.source, e.detected_at, e.due_at, e.updated_at, e.note,
    date_diff('second', e.detected_at, $as_of) / 3600.0 as age_h,
    e.status in ('open', 'in_progress') and e.due_at < $as_of as overdue
from exceptions e
left join orders o using (order_id)
where in_dimensions(o.channel, o.shop_id, o.warehouse, $channels, $shops, $warehouses)
order by overdue desc, case e.severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end,
    e.due_at;

-- name: order
select * from orders
where order_id = $order_id and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses);

-- name: order_dimensions
-- What an edit's access check compares: the order's current channel, shop and (sticky) warehouse.
select channel, shop_id, warehouse from orders where order_id = $order_id;

-- name: timeline
-- The order's event versions first, then the latest version of each: the order_events view dedupes by
-- event_id over the whole lake, and a filter on order_id cannot be pushed below that (3.7 s at 200k orders).
select event, source, actor, occurred_at, detail,
    date_diff('second', lag(occurred_at) over (order by occurred_at, event), occurred_at) / 3600.0 as h_since_previous
from (select * from lake_order_events where order_id = $order_id
      qualify row_number() over (partition by event_id order by ingested_at desc nulls last) = 1)
order by occurred_at, event;

-- name: lines
select line_no, sku, title, category, qty, unit_price_cents, currency, is_gift
from order_lines where order_id = $order_id order by line_no;

-- name: raw
select r.fetched_at, r.kind, r.batch_id, r.sha256, r.payload
from raw r join orders o on o.channel = r.channel and o.platform_order_id = r.platform_order_id
where o.order_id = $order_id
order by r.fetched_at desc;

-- name: rule_hits
-- Each rule's latest hit on the order: a rule that fired once (and raised an exception) stays listed after a
-- later evaluation in which nothing fired; `detail` is what it read (why it fired).
select kind, rule_id, outcome, chosen, detail, evaluated_at, rules_version
from rule_hits
where order_id = $order_id
qualify row_number() over (partition by kind, rule_id order by evaluated_at desc, hit_id desc) = 1
order by kind, chosen desc, rule_id;

-- name: order_exceptions
select exception_id, type, severity, status, assignee, rule_id, source, why, detected_at, due_at, resolution_code,
    note, updated_at
from exceptions where order_id = $order_id order by detected_at;

-- name: order_actions
select occurred_at, "user", role, action, target_type, target_id, before, after, reason
from actions where order_id = $order_id order by occurred_at desc;

-- name: audit
-- A restricted user sees only the actions on orders inside their access (not logins, users or rules).
select a.occurred_at, a."user", a.role, a.action, a.target_type, a.target_id, a.order_id, a.before, a.after,
    a.reason
from actions a
left join orders o using (order_id)
where a.occurred_at >= $start_at and a.occurred_at < $end_at
  and in_dimensions(o.channel, o.shop_id, o.warehouse, $channels, $shops, $warehouses)
order by a.occurred_at desc;

-- name: stock_short
with need as (
    select sku, cast(sum(qty) as bigint) as qty from order_lines where order_id = $order_id group by sku
), stock as (
    select sku, available from inventory_available where warehouse = $warehouse
)
select n.sku, n.qty, coalesce(s.available, 0) as available
from need n left join stock s using (sku)
where coalesce(s.available, 0) < n.qty
order by n.sku;
