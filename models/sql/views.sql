-- Derived views over the deduplicated tables (`orders`, `order_events`, ... are made in models/db.py).
-- Layering: stage mart (one row per order, first time of each lifecycle event) → order_facts (one row
-- per order with everything the KPIs need) → scoped_orders(...) (order_facts under the shared filters).

-- The earliest instant an order's rows, events and settlement lines may be stamped, given its placing: 7 days
-- before it (clocks that disagree, also across a month's edge). A mart refresh reads the lake from here on for
-- the orders it recomputes (models/facts_mart.py), and order_facts counts an order's settlement lines from here
-- on; what is stamped earlier is not read.
create or replace macro events_from(placed_at) as placed_at::timestamptz - interval 7 days;

-- The events that count as steps: a packing-station scan undone by ops (models/packing.py) is recorded,
-- never erased, but neither it nor the undo moves an order, times a stage or counts as rework.
create or replace view counted_order_events as
select * from lake_order_events
where event <> 'scan_undone'
  and event_id not in (select detail from lake_order_events where event = 'scan_undone' and detail is not null);

-- The stage mart. First occurrence of each event: the step started or ended then, whichever source said
-- it first. It reads all event versions (counted_order_events): min() is blind to the exact duplicates
-- that re-ingests leave, so the costly dedupe of the events view is not needed here. Rework counts steps one
-- source reported at more than one instant (re-reviewed, re-allocated); two sources reporting the same
-- step are not rework.
create or replace view order_stages as
with rework as (
    select order_id, count(*) - count(distinct (event, source)) as rework_count
    from (select distinct order_id, event, source, occurred_at
          from counted_order_events where event in ('reviewed', 'allocated'))
    group by order_id
    having count(*) > count(distinct (event, source))
), firsts as (
    select
        order_id,
        min(occurred_at) filter (where event = 'placed') as placed_evt_at,
        min(occurred_at) filter (where event = 'paid') as paid_evt_at,
        min(occurred_at) filter (where event = 'reviewed') as reviewed_at,
        min(occurred_at) filter (where event = 'allocated') as allocated_at,
        min(occurred_at) filter (where event = 'picked') as picked_at,
        min(occurred_at) filter (where event = 'packed') as packed_at,
        min(occurred_at) filter (where event = 'shipped') as shipped_at,
        min(occurred_at) filter (where event = 'in_transit') as in_transit_at,
        min(occurred_at) filter (where event = 'delivered') as delivered_at,
        min(occurred_at) filter (where event = 'completed') as completed_at,
        min(occurred_at) filter (where event = 'cancelled') as cancelled_at,
        min(occurred_at) filter (where event = 'refunded') as refunded_at,
        min(occurred_at) filter (where event = 'returned') as returned_at
    from counted_order_events
    group by order_id
), reports as (
    -- each event once (its versions share the id), numbered per source: the k-th report of a step by one
    -- source is occurrence k of the step, at the earliest of those reports (several sources saying
    -- `shipped` is one step; one source saying `allocated` twice is a loop back)
    select order_id, event, occurred_at,
        row_number() over (partition by order_id, event, source order by occurred_at) as k
    from (select event_id, any_value(order_id) as order_id, any_value(event) as event,
                 any_value(source) as source, min(occurred_at) as occurred_at
          from counted_order_events group by event_id)
), traces as (
    -- in order of time, lifecycle order and k: the structs sorted as they compare, field by field (an order's
    -- (event, k) is unique, so `e` never decides), not an ordered aggregate, which sorts per order; the rows come
    -- sorted by order only so that each order's rows arrive together (a month of 850 k orders at 10 M: 14 → 8 s)
    select order_id, list_transform(list_sort(list({'t': occurred_at, 'r': rank, 'k': k, 'e': event})),
                                    lambda x: {'t': x.t, 'e': x.e, 'k': x.k}) as trace
    from (select order_id, event, k, min(occurred_at) as occurred_at,
              list_position(['placed', 'paid', 'reviewed', 'allocated', 'picked', 'packed', 'shipped', 'in_transit',
                  'delivered', 'completed', 'cancelled', 'refunded', 'returned'], event) as rank
          from reports group by order_id, event, k order by order_id)
    group by order_id
), shipped as (
    -- each `shipped` event once, for the shipments reconciliation counts (models/sql/reconciliation.sql)
    select event_id, any_value(order_id) as order_id, any_value(source) as source,
        any_value(source_event_id) as source_event_id, any_value(ref_kind) as ref_kind, any_value(ref) as ref
    from counted_order_events
    where event = 'shipped'
    group by event_id
), by_source as (
    -- the shipments one warehouse source reported under distinct ids of its own (the same scan from a webhook
    -- and a file is one id; platforms and carriers repeat a shipment, they do not make one)
    select order_id, count(distinct source_event_id) as shipments
    from shipped
    where source_event_id is not null and source not in ('platform', 'carrier')
    group by order_id, source
), shipments as (
    select order_id, max(shipments) as warehouse_shipments from by_source group by order_id
), tracking as (
    select order_id, count(distinct ref) as tracking_numbers
    from shipped
    where ref_kind = 'tracking_no' and ref <> ''
    group by order_id
), refunds as (
    -- what the platform said it refunded: the amounts in the `refunded` events' detail when they carry one
    -- (payments imports, connectors); null when none does (reconciliation then takes the whole order)
    select order_id,
        sum(abs(case when json_valid(detail) then try_cast(json_extract_string(detail, '$.amount_cents') as bigint)
                 end))::bigint as refund_events_cents
    from (select event_id, any_value(order_id) as order_id, any_value(detail) as detail
          from counted_order_events
          where event = 'refunded'
          group by event_id)
    group by order_id
)
select firsts.*, coalesce(rework.rework_count, 0) as rework_count, traces.trace,
    coalesce(shipments.warehouse_shipments, 0) as warehouse_shipments,
    coalesce(tracking.tracking_numbers, 0) as tracking_numbers,
    refunds.refund_events_cents
from firsts
left join rework using (order_id)
left join traces using (order_id)
left join shipments using (order_id)
left join tracking using (order_id)
left join refunds using (order_id);

-- One row per order: the KPI layer's only input for order figures.
create or replace view order_facts as
with acted as (
    select distinct order_id from actions where order_id is not null
), inaccurate as (
    select distinct e.order_id
    from exceptions e
    join accuracy_exception_types t on t.type = e.type
    where e.status <> 'dismissed'
), settled as (
    -- what the platforms' settlement reports paid per order, for reconciliation (models/sql/reconciliation.sql):
    -- each line's current version, in the order's currency, stamped from `events_from` the order's placing on.
    -- Those are the rows a refresh reads (models/facts_mart.py), so a full build and a refresh agree; a line
    -- stamped earlier is not counted. A line is counted once, so a count of lines counts distinct ids.
    select s.order_id, count(*) as settlement_lines,
        count(*) filter (where s.line_type = 'sale') as sale_lines,
        sum(s.amount_cents)::bigint as settled_cents,
        coalesce(sum(s.amount_cents) filter (where s.line_type = 'refund'), 0)::bigint as refund_lines_cents,
        max(s.settled_at) as last_settled_at
    from settlements s
    join (select order_id, currency, placed_at from orders) p
      on p.order_id = s.order_id and p.currency = s.currency
    where p.placed_at is null or s.settled_at >= events_from(p.placed_at)
    group by s.order_id
)
select
    o.order_id, o.channel, o.shop_id, o.warehouse, o.carrier, o.status, o.raw_status, o.currency,
    o.total_cents,
    -- reporting-currency cents, exact decimal arithmetic, half away from zero (half-up for amounts ≥ 0)
    cast(round(o.total_cents::decimal(38, 0) * fx.rate * fx.to_cents) as bigint) as gmv_cents,
    o.receiver_province, o.is_urgent, o.is_vip, o.is_presale, o.is_cold_chain, o.has_gift,
    coalesce(o.placed_at, s.placed_evt_at) as placed_at,
    coalesce(s.paid_evt_at, o.paid_at) as paid_at,
    s.reviewed_at, s.allocated_at, s.picked_at, s.packed_at, s.shipped_at, s.delivered_at, s.completed_at,
    s.cancelled_at, s.refunded_at, s.returned_at,
    o.ship_by_at, o.promised_delivery_at, o.updated_at, o.ingested_at,
    coalesce(s.rework_count, 0) as rework_count,
    -- what reconciliation compares (models/sql/reconciliation.sql): per order, from its events and its
    -- settlement lines, so a month's reconciliation reads neither
    coalesce(s.warehouse_shipments, 0) as warehouse_shipments,
    coalesce(s.tracking_numbers, 0) as tracking_numbers,
    s.refund_events_cents,
    coalesce(st.settlement_lines, 0) as settlement_lines,
    coalesce(st.sale_lines, 0) as sale_lines,
    coalesce(st.settled_cents, 0) as settled_cents,
    coalesce(st.refund_lines_cents, 0) as refund_lines_cents,
    st.last_settled_at,
    a.order_id is not null as has_action,
    i.order_id is not null as has_accuracy_exception,
    date_diff('second', coalesce(s.paid_evt_at, o.paid_at), s.shipped_at) / 3600.0 as lead_hours,
    date_diff('second', coalesce(o.placed_at, s.placed_evt_at), coalesce(s.paid_evt_at, o.paid_at)) / 3600.0
        as h_placed_paid,
    date_diff('second', coalesce(s.paid_evt_at, o.paid_at), s.reviewed_at) / 3600.0 as h_paid_reviewed,
    date_diff('second', s.reviewed_at, s.allocated_at) / 3600.0 as h_reviewed_allocated,
    date_diff('second', s.allocated_at, s.picked_at) / 3600.0 as h_allocated_picked,
    date_diff('second', s.picked_at, s.packed_at) / 3600.0 as h_picked_packed,
    date_diff('second', s.packed_at, s.shipped_at) / 3600.0 as h_packed_shipped,
    date_diff('second', s.shipped_at, s.delivered_at) / 3600.0 as h_shipped_delivered,
    date_diff('second', s.delivered_at, s.completed_at) / 3600.0 as h_delivered_completed,
    -- which fields the current order row fills (not null, not blank), for the Data quality page
    coalesce(o.platform_order_id <> '', false) as filled_platform_order_id,
    coalesce(o.buyer_id <> '', false) as filled_buyer_id,
    coalesce(o.receiver_name <> '', false) as filled_receiver_name,
    coalesce(o.receiver_phone <> '', false) as filled_receiver_phone,
    coalesce(o.receiver_province <> '', false) as filled_receiver_province,
    coalesce(o.receiver_city <> '', false) as filled_receiver_city,
    coalesce(o.receiver_address <> '', false) as filled_receiver_address,
    coalesce(o.warehouse <> '', false) as filled_warehouse,
    coalesce(o.carrier <> '', false) as filled_carrier,
    coalesce(o.tracking_no <> '', false) as filled_tracking_no,
    -- the raw first event times the coalesced columns above hide, for process-flow variants from this row
    s.placed_evt_at, s.paid_evt_at, s.in_transit_at,
    -- the variant: the steps in the order they first happened (the first occurrences of the trace below)
    array_to_string(list_transform(list_filter(s.trace, lambda x: x.k = 1), lambda x: x.e), ',') as variant,
    -- the trace: every occurrence of a step in order (time, lifecycle order, k), as {t, e, k}; the Flow page's
    -- process map, variants and loop-backs unnest or read it instead of the events
    s.trace,
    -- what customer service searches by (models/lookup.py), read in place from the mart: not personal data
    o.platform_order_id, o.tracking_no,
    -- who bought it, for the buyers' history of Reconciliation (buyer_history_of): personal data, which the SQL
    -- box hides from a role without view_pii (models/analytics/sandbox_views.py)
    o.buyer_id
from orders o
left join order_stages s using (order_id)
left join fx_rates fx on fx.currency = o.currency
left join acted a on a.order_id = o.order_id
left join inaccurate i on i.order_id = o.order_id
left join settled st on st.order_id = o.order_id;

-- The shared filters, defined once: orders placed in [start_at, end_at), in the given channels, shops and
-- warehouses (an empty list means all).
create or replace macro in_dimensions(channel, shop_id, warehouse, channels, shops, warehouses) as
    (len(channels) = 0 or list_contains(channels, channel))
    and (len(shops) = 0 or list_contains(shops, shop_id))
    and (len(warehouses) = 0 or list_contains(warehouses, warehouse));

create or replace macro scoped_orders(start_at, end_at, channels, shops, warehouses) as table
select *
from order_facts
where placed_at >= start_at and placed_at < end_at
  and in_dimensions(channel, shop_id, warehouse, channels, shops, warehouses);

-- Each exception's current row with its order's channel, shop and warehouse (exceptions of orders the lake
-- does not hold are not counted): what the exception KPIs filter on. Persisted beside order_facts.
create or replace view exception_facts as
select e.*, o.channel, o.shop_id, o.warehouse
from exceptions e
join order_facts o using (order_id);

-- Exceptions of the scoped orders, detected in the same range, with each one's current state.
create or replace macro scoped_exceptions(start_at, end_at, channels, shops, warehouses) as table
select *
from exception_facts
where detected_at >= start_at and detected_at < end_at
  and in_dimensions(channel, shop_id, warehouse, channels, shops, warehouses);
