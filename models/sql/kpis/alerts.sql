-- Alert conditions, read by reports/alerts.py with the KPI parameters. The delivery and alert record's
-- queries are bookkeeping, not KPIs: models/sql/records/deliveries.sql.

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
