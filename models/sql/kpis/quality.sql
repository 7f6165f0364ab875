-- Data quality: is the data complete, mapped, unique, possible and consistent across sources?

-- name: quality_completeness
-- Share of orders with each field filled (not null, not blank), by local year placed and channel, over the
-- whole lake (dates ignored; channel, shop and warehouse filters apply), counting a field only where it applies.
-- Read from the completeness rollup (models/sql/rollups.sql: the mart keeps it per month), not from every order.
select year(timezone($tz, placed_bucket)) as year, channel, field, sum(orders)::bigint as orders,
    field_completeness(filled_orders, orders) as completeness
from quality_rollup
where in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
group by all
order by year, channel, field;

-- name: quality_issues
-- One row of counters for the scope: unmapped statuses, sync failures (orders with a sync_failure exception),
-- failed pulls (channel runs, `pull_failed`: the Channels page's error list), quarantined payloads, impossible
-- durations.
select
    (select count(*) from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
        where status = 'unknown') as unknown_status_orders,
    (select count(*) from scoped_exceptions($start_at, $end_at, $channels, $shops, $warehouses)
        where type = 'unmapped_status') as unmapped_exceptions,
    (select count(*) from scoped_exceptions($start_at, $end_at, $channels, $shops, $warehouses)
        where type = 'sync_failure') as sync_failures,
    (select count(*) from channel_runs
        where started_at >= $start_at and started_at < $end_at and pull_failed(outcome)
          and (len($channels) = 0 or list_contains($channels, channel))
          and (len($shops) = 0 or list_contains($shops, shop_id))) as failed_pulls,
    (select coalesce(sum(quarantined), 0) from channel_runs
        where started_at >= $start_at and started_at < $end_at
          and (len($channels) = 0 or list_contains($channels, channel))
          and (len($shops) = 0 or list_contains($shops, shop_id))) as quarantined_payloads,
    (select count(*) from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
        where has_negative_duration(h_placed_paid, h_paid_reviewed, h_reviewed_allocated, h_allocated_picked,
            h_picked_packed, h_packed_shipped, h_shipped_delivered, h_delivered_completed, lead_hours))
        as negative_duration_orders;

-- name: quality_unmapped
-- Raw statuses no mapping covers yet (canonical status 'unknown'), by channel, with how many orders.
select channel, raw_status, count(*) as orders, max(updated_at) as last_seen_at
from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
where status = 'unknown'
group by all
order by orders desc, channel, raw_status;

-- name: quality_duplicates
-- Row versions stored in the lake versus current rows: the duplicates and superseded versions merged away.
-- A table has one current row per natural key, so its keys are counted (`<table>_keys`, models/views.py), not
-- its rows deduplicated; models.kpis runs this on a connection of its own with capped memory (it spills).
select table_name, lake_rows, current_rows, lake_rows - current_rows as merged
from (values
    ('orders', (select count(*) from lake_orders), (select count(*) from orders_keys)),
    ('order_lines', (select count(*) from lake_order_lines), (select count(*) from order_lines_keys)),
    ('order_events', (select count(*) from lake_order_events), (select count(*) from order_events_keys)),
    ('exceptions', (select count(*) from lake_exceptions), (select count(*) from exceptions_keys)),
    ('actions', (select count(*) from lake_actions), (select count(*) from actions_keys)),
    ('returns', (select count(*) from lake_returns), (select count(*) from returns_keys)),
    ('raw', (select count(*) from lake_raw), (select count(*) from raw_keys))
) t(table_name, lake_rows, current_rows);

-- name: quality_agreement
-- Do platform, warehouse and carrier agree on when an order shipped and was delivered? The figure is defined
-- once, in the status_agreement macro (models/sql/events.sql); the orders behind it: status_disagreements.
select
    count(*) as orders,
    count(*) filter (where agrees) as agreeing,
    count(*) filter (where agrees) / nullif(count(*), 0) as agreement,
    median(spread_s) as spread_median_s,
    max(spread_s) as spread_max_s
from status_agreement($start_at, $end_at, $channels, $shops, $warehouses);
