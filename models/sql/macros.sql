-- The KPI formulas and table macros the named queries (models/sql/kpis/*.sql) share: each formula is written
-- here once and every query that shows it calls the macro. Created on every connection right after views.sql
-- (models/db.py), so any named query runs on any connection. tests/test_kpi_definitions.py fails when a
-- formula is spelled out anywhere else.

-- Whole seconds from a to b, counted as date_diff('second', a, b) counts them on a timestamptz (second
-- boundaries crossed), without its ICU calendar arithmetic: 30 times faster where millions of pairs are
-- subtracted (the Flow process map, the status agreement). For instants after 1970 (`//` truncates toward 0).
create or replace macro whole_seconds(a, b) as epoch_us(b) // 1000000 - epoch_us(a) // 1000000;

-- Paid orders' value in the reporting currency (GMV): orders not paid (yet) count nothing.
create or replace macro paid_gmv_cents(gmv_cents, paid_at) as
cast(coalesce(sum(gmv_cents) filter (where paid_at is not null), 0) as bigint);

-- Paid→shipped lead time: median and p90 (linear interpolation) over the orders that have one; a negative
-- duration is a data error, left out here and counted by `lead_time_orders`' complement.
create or replace macro lead_time_median_h(lead_hours) as median(lead_hours) filter (where lead_hours >= 0);
create or replace macro lead_time_p90_h(lead_hours) as quantile_cont(lead_hours, 0.9) filter (where lead_hours >= 0);
create or replace macro lead_time_orders(lead_hours) as count(*) filter (where lead_hours >= 0);

-- A channel pull that failed (any outcome but 'ok'): the Channels page's failed runs and error list, the Data
-- quality page's failed pulls and the alerts all count this, so "no errors" and a failure count never disagree.
create or replace macro pull_failed(outcome) as outcome is distinct from 'ok';

-- A feed is stale when its newest successful watermark is more than an hour behind now (six missed 10-minute
-- pulls): its state reads "stale" whatever its last run's outcome, so a shop far behind never shows "ok".
create or replace macro feed_stale(lag_minutes) as coalesce(lag_minutes > 60, true);

-- Paid orders not shipped (nor cancelled or refunded): the ones a per-day lead time cannot count yet.
create or replace macro awaiting_shipment(shipped_at, cancelled_at, refunded_at) as
count(*) filter (where shipped_at is null and cancelled_at is null and refunded_at is null);

-- Manual intervention: orders with at least one human action (an `actions` row), and their share of all orders.
create or replace macro manual_orders(has_action) as count(*) filter (where has_action);
create or replace macro manual_rate(has_action) as manual_orders(has_action) / nullif(count(*), 0);

-- Completeness of a field: the share of the orders it applies to whose row fills it, from the additive counts
-- of the completeness rollup (models/sql/rollups.sql).
create or replace macro field_completeness(filled_orders, orders) as sum(filled_orders) / sum(orders);

-- Does an order have an impossible (negative) duration anywhere? Left out of figures, counted beside them.
create or replace macro has_negative_duration(placed_paid, paid_reviewed, reviewed_allocated, allocated_picked,
                                              picked_packed, packed_shipped, shipped_delivered,
                                              delivered_completed, lead) as
least(placed_paid, paid_reviewed, reviewed_allocated, allocated_picked, picked_packed, packed_shipped,
      shipped_delivered, delivered_completed, lead) < 0;

-- Hours of the steps a warehouse controls, one row per (order, step), impossible (negative) ones left out.
-- `h` is the order_facts column (h_picked_packed): a caller labels its groups, not every row (half the time).
create or replace macro warehouse_stage_hours(start_at, end_at, channels, shops, warehouses) as table
select warehouse, h, hours
from (
    unpivot (
        select warehouse, h_paid_reviewed, h_reviewed_allocated, h_allocated_picked, h_picked_packed,
               h_packed_shipped
        from scoped_orders(start_at, end_at, channels, shops, warehouses)
        where warehouse is not null
    ) on columns(* exclude (warehouse)) into name h value hours
)
where hours >= 0;

-- Where each scoped order waits now (`as_of`): the next warehouse step it has not reached yet.
create or replace macro waiting_orders(start_at, end_at, channels, shops, warehouses, as_of) as table
select *,
    case
        when packed_at is not null then 'ship'
        when picked_at is not null then 'pack'
        when allocated_at is not null then 'pick'
        else 'allocate'
    end as waiting_for
from scoped_orders(start_at, end_at, channels, shops, warehouses)
where paid_at is not null and paid_at <= as_of and shipped_at is null and cancelled_at is null
  and refunded_at is null
  -- a later step already reported (the carrier has it, it was delivered) means nothing is outstanding here
  and in_transit_at is null and delivered_at is null and completed_at is null;

-- Return lines requested in [start_at, end_at) on orders of the given channels, shops and warehouses.
create or replace macro scoped_returns(start_at, end_at, channels, shops, warehouses) as table
select r.*, o.channel, o.shop_id, o.warehouse
from returns r
join order_facts o using (order_id)
where r.requested_at >= start_at and r.requested_at < end_at
  and (len(channels) = 0 or list_contains(channels, o.channel))
  and (len(shops) = 0 or list_contains(shops, o.shop_id))
  and (len(warehouses) = 0 or list_contains(warehouses, o.warehouse));

-- The Explore page's rows: scoped orders narrowed by status, exception type and return reason (empty = all).
create or replace macro explore_rows(start_at, end_at, channels, shops, warehouses, statuses, exc_types,
                                     reasons) as table
select *
from scoped_orders(start_at, end_at, channels, shops, warehouses)
where (len(statuses) = 0 or list_contains(statuses, status))
  and (len(exc_types) = 0 or order_id in (select order_id from exceptions where list_contains(exc_types, type)))
  and (len(reasons) = 0 or order_id in (select order_id from returns where list_contains(reasons, reason_code)));

-- The value of one Explore group-by for a row, as text ('none' = no grouping).
create or replace macro explore_key(dim, tz, placed_at, channel, shop_id, warehouse, carrier, status, province) as
case dim
    when 'day' then cast(cast(timezone(tz, placed_at) as date) as varchar)
    when 'week' then cast(cast(date_trunc('week', timezone(tz, placed_at)) as date) as varchar)
    when 'hour' then strftime(timezone(tz, placed_at), '%Y-%m-%d %H:00')
    when 'channel' then channel
    when 'shop' then shop_id
    when 'warehouse' then warehouse
    when 'carrier' then carrier
    when 'status' then status
    when 'province' then province
    else 'all'
end;

-- On-time ship rate: shipped by their ship-by time, over the orders with a ship-by time that shipped or are
-- overdue and not cancelled at `as_of`.
create or replace macro on_time_rate(shipped_at, ship_by_at, cancelled_at, as_of) as
count(*) filter (where shipped_at is not null and shipped_at <= ship_by_at)
    / nullif(count(*) filter (where ship_by_at is not null
        and (shipped_at is not null or (ship_by_at < as_of and cancelled_at is null))), 0);

-- Delivered-on-time rate against the platform's promise: delivered at or before the promised delivery time,
-- over the orders with a promise that were delivered (an order without a promise, or not delivered yet,
-- is in neither count; the ship-by rate above already catches orders that are late leaving).
create or replace macro delivered_on_time_rate(delivered_at, promised_delivery_at) as
count(*) filter (where delivered_at <= promised_delivery_at)
    / nullif(count(*) filter (where delivered_at is not null and promised_delivery_at is not null), 0);
