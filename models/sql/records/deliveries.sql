-- The delivery record (`deliveries`) and the alert log (`alerts`): bookkeeping of reports/, not KPIs.
-- Run through models/records.py; each query binds its own parameters ($kind, $ref, $since, $limit).

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
