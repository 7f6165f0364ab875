-- Alert conditions and the delivery record, read by reports/ (weekly snapshot, alerts, the Admin page).
-- Conditions use the KPI parameters; the record queries bind their own ($kind, $ref, $since, $limit).

-- Capacity hours: `capacity_hourly` in capacity.sql, the one definition the page, e-mail and alerts share.

-- name: alert_overdue_exceptions
-- Open exceptions past their due time right now, whatever day they were raised.
select
    count(*) as overdue,
    min(due_at) as oldest_due_at
from exceptions
where status in ('open', 'in_progress') and due_at < $as_of;

-- name: alert_latest_runs
-- The latest pull of each channel and shop.
select channel, shop_id, outcome, error, started_at
from channel_runs
qualify row_number() over (partition by channel, shop_id order by started_at desc, finished_at desc nulls last) = 1
order by channel, shop_id;

-- name: delivered_targets
-- Who already has a message ($kind 'weekly' keyed by ISO week, 'alert' by alert id).
select distinct channel, target
from deliveries
where kind = $kind and ref = $ref and outcome in ('delivered', 'written');

-- name: open_alerts
-- Alerts raised and not cleared yet: one per condition key.
select alert_id, condition_key, kind, title, detail, raised_at
from alerts
where cleared_at is null
order by raised_at;

-- name: alert_sends_since
-- Alert messages each target has received since $since (the per-target hourly rate limit).
select target, count(*) as sent
from deliveries
where kind = 'alert' and outcome = 'delivered' and occurred_at >= $since
group by target;

-- name: recent_alerts
-- The console's alert list: newest first, each with how its deliveries went.
select
    a.raised_at, a.cleared_at, a.kind, a.title, a.detail,
    count(d.delivery_id) filter (where d.outcome = 'delivered') as delivered,
    count(d.delivery_id) filter (where d.outcome = 'failed') as failed,
    count(d.delivery_id) filter (where d.outcome = 'rate_limited') as rate_limited,
    string_agg(distinct d.target, ', ' order by d.target) filter (where d.outcome = 'delivered') as delivered_to
from alerts a
left join deliveries d on d.kind = 'alert' and d.ref = a.alert_id
group by all
order by a.raised_at desc
limit $limit;

-- name: recent_deliveries
-- The delivery record, newest first (weekly snapshots and alerts).
select occurred_at, kind, ref, channel, target, outcome, attempts, error
from deliveries
order by occurred_at desc
limit $limit;
