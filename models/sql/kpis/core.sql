-- Every KPI, defined once. Pages, the e-mail, the CLI and the tests all run these named queries.
-- Parameters: $start_at/$end_at (UTC instants bounding the local date range), $channels, $shops,
-- $warehouses (lists, empty = all), $tz (display zone), $as_of (UTC instant "now" for overdue figures).
-- Durations in hours. A negative duration is a data error: left out of the figure, counted beside it.

-- name: summary
select
    count(*) as orders,
    paid_gmv_cents(gmv_cents, paid_at) as gmv_cents,
    lead_time_median_h(lead_hours) as lead_time_median_h,
    lead_time_p90_h(lead_hours) as lead_time_p90_h,
    lead_time_orders(lead_hours) as lead_time_orders,
    count(*) filter (where shipped_at is not null) as shipped,
    on_time_rate(shipped_at, ship_by_at, cancelled_at, $as_of) as on_time_rate,
    delivered_on_time_rate(delivered_at, promised_delivery_at) as delivered_on_time_rate,
    count(*) filter (where shipped_at is not null and not has_accuracy_exception)
        / nullif(count(*) filter (where shipped_at is not null), 0) as fulfillment_accuracy,
    manual_rate(has_action) as manual_rate,
    manual_orders(has_action) as manual_orders,
    count(*) filter (where paid_at is not null and gmv_cents is null) as gmv_unconverted_orders,
    count(*) filter (where has_negative_duration(h_placed_paid, h_paid_reviewed, h_reviewed_allocated,
        h_allocated_picked, h_picked_packed, h_packed_shipped, h_shipped_delivered, h_delivered_completed,
        lead_hours)) as orders_with_negative_durations
from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses);

-- name: stage_durations
-- Median and p90 from one quantile state (`median` beside `quantile_cont` kept every value twice).
select stage, orders, q[1] as median_h, q[2] as p90_h, negative
from (
    select
        stage,
        count(hours) filter (where hours >= 0) as orders,
        quantile_cont(hours, [0.5, 0.9]) filter (where hours >= 0) as q,
        count(*) filter (where hours < 0) as negative
    from (
        unpivot (
            select h_placed_paid, h_paid_reviewed, h_reviewed_allocated, h_allocated_picked, h_picked_packed,
                   h_packed_shipped, h_shipped_delivered, h_delivered_completed
            from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
        ) on columns(*) into name stage value hours
    )
    group by stage
);

-- name: daily_orders
select
    cast(timezone($tz, placed_at) as date) as day,
    channel,
    count(*) as orders,
    paid_gmv_cents(gmv_cents, paid_at) as gmv_cents
from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
group by all
order by day, channel;

-- name: daily_lead_time
-- Per paid day: the lead time of the orders that shipped, and how many paid that day have not shipped yet
-- (`still_open`: their hours are not in the day's figure until they ship, so a young day looks fast).
select
    cast(timezone($tz, paid_at) as date) as day,
    lead_time_median_h(lead_hours) as median_h,
    lead_time_p90_h(lead_hours) as p90_h,
    lead_time_orders(lead_hours) as orders,
    awaiting_shipment(shipped_at, cancelled_at, refunded_at) as still_open
from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
where paid_at is not null
group by all
order by day;

-- name: exceptions_by_type
select
    type,
    count(*) as raised,
    count(*) filter (where status in ('open', 'in_progress')) as open,
    count(*) filter (where status in ('open', 'in_progress') and due_at < $as_of) as overdue,
    median(date_diff('second', detected_at, resolved_at) / 3600.0)
        filter (where status = 'resolved' and resolved_at >= detected_at) as resolve_median_h
from scoped_exceptions($start_at, $end_at, $channels, $shops, $warehouses)
group by type
order by raised desc, type;

-- name: hourly_intake
select
    date_trunc('hour', timezone($tz, placed_at)) as hour,
    count(*) as orders
from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
group by all
order by hour;

-- name: dimensions
select
    list_sort(list(distinct channel) filter (where channel is not null)) as channels,
    list_sort(list(distinct shop_id) filter (where shop_id is not null)) as shops,
    list_sort(list(distinct warehouse) filter (where warehouse is not null)) as warehouses,
    min(placed_at) as first_placed_at,
    max(placed_at) as last_placed_at,
    max(ingested_at) as data_as_of,
    count(*) as orders
from order_facts;  -- one row per current order, like `orders`, and a table (no dedupe) in the console
