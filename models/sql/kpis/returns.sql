-- Returns: structured reason codes (models.schema.RETURN_REASONS) of return lines requested in the range,
-- for the scoped orders' channels, shops and warehouses (scoped_returns). Counted in units (qty).

-- name: returns_heatmap
select
    cast(date_trunc('week', timezone($tz, requested_at)) as date) as week,
    reason_code,
    coalesce(category, '–') as category,
    sum(qty) as units,
    count(*) as lines
from scoped_returns($start_at, $end_at, $channels, $shops, $warehouses)
group by all
order by week, reason_code, category;

-- name: returns_movers
-- Each reason's share of returned units now and in the period of equal length before; movers first.
with by_reason as (
    select reason_code,
        coalesce(sum(qty) filter (where requested_at >= $start_at), 0) as units,
        coalesce(sum(qty) filter (where requested_at < $start_at), 0) as prev_units
    from scoped_returns($start_at - ($end_at - $start_at), $end_at, $channels, $shops, $warehouses)
    group by reason_code
)
select
    reason_code, units, prev_units,
    units / nullif(sum(units) over (), 0) as share,
    prev_units / nullif(sum(prev_units) over (), 0) as prev_share,
    coalesce(units / nullif(sum(units) over (), 0), 0)
        - coalesce(prev_units / nullif(sum(prev_units) over (), 0), 0) as share_change
from by_reason
order by abs(share_change) desc, reason_code;
