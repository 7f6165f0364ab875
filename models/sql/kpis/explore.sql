-- Explore (ad hoc drill-down): every measure for up to two group-bys ($by1, $by2: day, week, hour, channel,
-- shop, warehouse, carrier, status, province or none) over explore_rows, the scoped orders narrowed by
-- $statuses, $exc_types and $reasons. The page picks the measure column to draw.

-- name: explore
select
    explore_key($by1, $tz, placed_at, channel, shop_id, warehouse, carrier, status, receiver_province) as g1,
    explore_key($by2, $tz, placed_at, channel, shop_id, warehouse, carrier, status, receiver_province) as g2,
    count(*) as orders,
    paid_gmv_cents(gmv_cents, paid_at) as gmv_cents,
    lead_time_median_h(lead_hours) as lead_time_median_h,
    lead_time_p90_h(lead_hours) as lead_time_p90_h,
    on_time_rate(shipped_at, ship_by_at, cancelled_at, $as_of) as on_time_rate,
    delivered_on_time_rate(delivered_at, promised_delivery_at) as delivered_on_time_rate,
    manual_rate(has_action) as manual_rate,
    count(*) filter (where cancelled_at is not null) / count(*) as cancel_rate
from explore_rows($start_at, $end_at, $channels, $shops, $warehouses, $statuses, $exc_types, $reasons)
group by all
order by g1, g2;

-- name: explore_orders
-- The orders behind any number: the first $row_limit matching orders, newest first.
select order_id, channel, shop_id, warehouse, carrier, status, placed_at, paid_at, shipped_at, ship_by_at,
    lead_hours, gmv_cents, has_action
from explore_rows($start_at, $end_at, $channels, $shops, $warehouses, $statuses, $exc_types, $reasons)
order by placed_at desc, order_id
limit $row_limit;
