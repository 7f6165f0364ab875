-- Warehouse and carrier events over the foundation views (models/sql/views.sql): where each order stands by
-- its lifecycle, and whether the systems that report the same step agree. Loaded after views.sql.

-- The furthest step each order reached by its events (any source, in lifecycle order, never arrival order),
-- beside the platform's status: an exit (cancelled, refunded, returned) or an unmapped status stays as the
-- platform says; otherwise the later of the two on the forward path is the order's stage.
create or replace view order_lifecycle as
with reached as (
    select order_id,
        max(list_position(['allocated', 'picked', 'packed', 'shipped', 'delivered', 'completed'],
            case when event in ('in_transit', 'out_for_delivery', 'delivery_failed', 'carrier_exception')
                 then 'shipped' else event end)) as step_rank,
        bool_or(event = 'cancelled') as has_cancelled
    from counted_order_events  -- a scan undone by ops no longer moves the order (views.sql)
    group by order_id
), ranked as (
    select o.order_id, o.status,
        list_position(['pending_payment', 'to_review', 'to_ship', 'allocated', 'picked', 'packed', 'shipped',
                       'delivered', 'completed'], o.status) as status_rank,
        r.step_rank + 3 as event_rank, coalesce(r.has_cancelled, false) as has_cancelled
    from orders o
    left join reached r using (order_id)
)
select order_id, status as platform_status,
    case
        when status_rank is null then status
        when has_cancelled and coalesce(event_rank, 0) < 7 then 'cancelled'
        when coalesce(event_rank, 0) > status_rank
            then ['pending_payment', 'to_review', 'to_ship', 'allocated', 'picked', 'packed', 'shipped',
                  'delivered', 'completed'][event_rank]
        else status
    end as stage
from ranked;

-- Cross-system status agreement, defined once (target: platform, warehouse and carrier agree within 3 minutes
-- for >= 99% of orders): for each order placed in the scope whose `shipped` or `delivered` step more than
-- one of platform, wms and carrier reported, the spread between each source's first report (event time).
-- An order agrees when every such step's spread is at most 180 s. Reports stamped over 31 days before the
-- range cannot be of its orders (an order's events follow its placing; the margin absorbs clocks that
-- disagree): the bound lets Parquet statistics skip older files.
create or replace macro status_agreement(start_at, end_at, channels, shops, warehouses) as table
with firsts as (
    -- each source's first report of the step, side by side: one grouping, and the sources named only for the
    -- steps kept (a grouping per source, then per step with an ordered string_agg, took 4.2 s at 90 days of
    -- the 10 M bench lake, where nearly every step has one source; this 1.3 s)
    select order_id, event,
        min(occurred_at) filter (where source = 'carrier') as carrier_at,
        min(occurred_at) filter (where source = 'platform') as platform_at,
        min(occurred_at) filter (where source = 'wms') as wms_at
    from lake_order_events
    where event in ('shipped', 'delivered') and source in ('platform', 'wms', 'carrier')
      and occurred_at >= start_at - interval 31 days
      and order_id in (select order_id from scoped_orders(start_at, end_at, channels, shops, warehouses))
    group by all
), steps as (
    -- sources in name order; seconds by `whole_seconds` (models/sql/macros.sql)
    select order_id, event,
        concat_ws(',', case when carrier_at is not null then 'carrier' end,
                  case when platform_at is not null then 'platform' end, case when wms_at is not null then 'wms' end)
            as sources,
        whole_seconds(least(carrier_at, platform_at, wms_at), greatest(carrier_at, platform_at, wms_at))
            as spread_s
    from firsts
    where (carrier_at is not null)::int + (platform_at is not null)::int + (wms_at is not null)::int > 1
)
select order_id, max(spread_s) as spread_s, arg_max(event, spread_s) as worst_step,
    arg_max(sources, spread_s) as worst_sources, max(spread_s) <= 180 as agrees
from steps
group by order_id;
