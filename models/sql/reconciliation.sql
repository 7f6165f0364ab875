-- Month-end reconciliation, defined once (docs/reconciliation.md). Layering: per order what the hub expects
-- the platform to pay (recon_orders_in) → the findings, one row per order and finding type (recon_findings_in) →
-- the named queries of kpis/reconciliation.sql. Config tables recon_fees, recon_fixed_fees and
-- recon_tolerance come from config/reconciliation.toml (models/reconciliation/config.py).
-- Money is integer minor units in the order's currency; fees are rounded half away from zero per order.

-- Per order placed in [start_at, end_at) within the dimensions (null bounds: every order): paid − refunds −
-- the channel's fees = expected net, beside what was settled. The order facts are narrowed first and the
-- events and settlements read for those orders only, so a month costs a month, not the whole lake.
-- Events are read from all versions (lake_order_events), filtered to one step (an equality the Parquet scan
-- applies before decoding the other columns) and the scope's orders, then one row per event id: far cheaper
-- than the deduplicated `order_events` view, and the same rows (an event's versions share its order). Only
-- events stamped from `events_from(start_at)` on are read (macros.sql): the older months' files are skipped.
create or replace macro recon_orders_in(start_at, end_at, channels, shops, warehouses) as table
with scoped as materialized (
    select order_id, channel, shop_id, warehouse, currency, status, placed_at, paid_at, ship_by_at, shipped_at,
        delivered_at, cancelled_at, returned_at, refunded_at, platform_order_id, total_cents
    from order_facts
    where (start_at is null or placed_at >= start_at) and (end_at is null or placed_at < end_at)
      and in_dimensions(channel, shop_id, warehouse, channels, shops, warehouses)
), refunds as (
    -- Refunds the platform reported: the amounts in the `refunded` events' detail when they carry one
    -- (payments imports, connectors), else the whole order; never more than the order's total (below).
    select order_id, min(occurred_at) as refunded_at,
        sum(abs(case when json_valid(detail) then try_cast(json_extract_string(detail, '$.amount_cents') as bigint)
                 end))::bigint as refund_amount_cents
    from (select event_id, any_value(order_id) as order_id, min(occurred_at) as occurred_at,
              any_value(detail) as detail
          from lake_order_events
          where event = 'refunded' and order_id in (select order_id from scoped)
            and (start_at is null or occurred_at >= events_from(start_at))
          group by event_id)
    group by order_id
), shipped as materialized (
    select event_id, any_value(order_id) as order_id, any_value(source) as source,
        any_value(source_event_id) as source_event_id, any_value(ref_kind) as ref_kind, any_value(ref) as ref
    from lake_order_events
    where event = 'shipped' and order_id in (select order_id from scoped)
      and (start_at is null or occurred_at >= events_from(start_at))
    group by event_id
), by_source as (
    -- Shipments: the most one warehouse source reported under distinct ids of its own (the same scan from a
    -- webhook and a file is one id), and distinct tracking numbers on shipped events.
    select order_id, source, count(distinct source_event_id) as shipments
    from shipped
    where source_event_id is not null and source not in ('platform', 'carrier')
    group by order_id, source
), tracking as (
    select order_id, count(distinct ref) as tracking_numbers
    from shipped
    where ref_kind = 'tracking_no' and ref <> ''
    group by order_id
), shipments as (
    select order_id, coalesce(max(b.shipments), 0) as warehouse_shipments,
        coalesce(any_value(t.tracking_numbers), 0) as tracking_numbers
    from (select order_id from by_source union select order_id from tracking) o
    left join by_source b using (order_id)
    left join tracking t using (order_id)
    group by order_id
), settled as (
    -- What the settlement reports say per order, in the order's currency.
    select s.order_id, count(*) as settlement_lines,
        count(distinct s.settlement_id) filter (where s.line_type = 'sale') as sale_lines,
        sum(s.amount_cents)::bigint as settled_cents,
        coalesce(sum(s.amount_cents) filter (where s.line_type = 'refund'), 0)::bigint as refund_lines_cents,
        max(s.settled_at) as last_settled_at
    from settlements s
    join scoped o on o.order_id = s.order_id and o.currency = s.currency
    group by s.order_id
), base as (
    select f.order_id, f.channel, f.shop_id, f.warehouse, f.currency, f.status, f.placed_at, f.paid_at, f.ship_by_at,
        f.shipped_at, f.delivered_at, f.cancelled_at, f.returned_at, f.platform_order_id,
        case when f.paid_at is not null then f.total_cents else 0 end as paid_cents,
        case when r.order_id is not null or f.status = 'refunded'
             then least(f.total_cents, coalesce(r.refund_amount_cents, f.total_cents)) else 0 end as refund_cents,
        coalesce(r.refunded_at, f.refunded_at) as refunded_at,
        coalesce(c.fee_percent, d.fee_percent) as fee_percent,
        coalesce(c.settlement_days, d.settlement_days) as settlement_days,
        coalesce(x.fixed_cents, dx.fixed_cents, 0) as fixed_cents
    from scoped f
    left join refunds r using (order_id)
    left join recon_fees c on c.channel = f.channel
    cross join (select * from recon_fees where channel = '*') d
    left join recon_fixed_fees x on x.channel = f.channel and x.currency = f.currency
    left join recon_fixed_fees dx on dx.channel = '*' and dx.currency = f.currency
), fees as (
    select *, paid_cents - refund_cents as net_sales_cents,
        case when paid_cents - refund_cents > 0
             then cast(round((paid_cents - refund_cents)::decimal(38, 0) * fee_percent / 100) as bigint)
                  + fixed_cents
             else 0 end as fee_cents
    from base
)
select fees.* exclude (fixed_cents),
    net_sales_cents - fee_cents as expected_net_cents,
    coalesce(s.settled_cents, 0) as settled_cents,
    coalesce(s.settlement_lines, 0) as settlement_lines,
    coalesce(s.sale_lines, 0) as sale_lines,
    coalesce(s.refund_lines_cents, 0) as refund_lines_cents,
    s.last_settled_at,
    coalesce(t.tolerance_cents, 0) as tolerance_cents,
    coalesce(sh.warehouse_shipments, 0) as warehouse_shipments,
    coalesce(sh.tracking_numbers, 0) as tracking_numbers
from fees
left join settled s using (order_id)
left join recon_tolerance t using (currency)
left join shipments sh using (order_id);

-- Every order (the findings raised as exceptions, scripts and tests).
create or replace view recon_orders as
select * from recon_orders_in(null, null, []::varchar[], []::varchar[], []::varchar[]);

-- The month's totals per channel, shop and currency, for orders placed in [start_at, end_at).
create or replace macro recon_month_totals(start_at, end_at, channels, shops, warehouses) as table
select channel, shop_id, currency,
    count(*) as orders,
    sum(paid_cents)::bigint as paid_cents,
    sum(refund_cents)::bigint as refund_cents,
    sum(fee_cents)::bigint as fee_cents,
    sum(expected_net_cents)::bigint as expected_net_cents,
    sum(settled_cents)::bigint as settled_cents
from recon_orders_in(start_at, end_at, channels, shops, warehouses)
group by all;

-- The findings as of an instant: one row per order and finding type, with the amount at stake in the
-- order's currency (signed for settlement differences: negative = the platform paid less than expected).
-- Each type is raised as an exception of type `recon_<finding>` (models/reconciliation/findings.py).
create or replace macro recon_findings_in(as_of, start_at, end_at, channels, shops, warehouses) as table
with ro as materialized (select * from recon_orders_in(start_at, end_at, channels, shops, warehouses)), found as (
    -- 漏发: paid, past its ship-by time, never shipped, not cancelled or refunded
    select order_id, 'unshipped' as finding, paid_cents as amount_cents from ro
    where paid_at is not null and shipped_at is null and cancelled_at is null and refunded_at is null
      and ship_by_at < as_of
    union all
    -- two tracking numbers, or two shipments from one warehouse source
    select order_id, 'double_shipped', paid_cents from ro
    where tracking_numbers > 1 or warehouse_shipments > 1
    union all
    -- delivered, the channel's settlement delay passed, nothing settled
    select order_id, 'unsettled', expected_net_cents from ro
    where delivered_at is not null and settlement_lines = 0 and expected_net_cents <> 0
      and delivered_at + to_days(settlement_days) < as_of
    union all
    -- the sale settled in two report lines: the surplus is what was paid twice
    select order_id, 'settled_twice', settled_cents - expected_net_cents from ro
    where sale_lines > 1
    union all
    -- settled once, but not what the fee table says, beyond the currency's tolerance
    select order_id, 'settlement_mismatch', settled_cents - expected_net_cents from ro
    where settlement_lines > 0 and sale_lines <= 1 and abs(settled_cents - expected_net_cents) > tolerance_cents
    union all
    -- refunded on the platform, the goods went out and never came back
    select order_id, 'refund_not_returned', refund_cents from ro
    where refund_cents > 0 and shipped_at is not null and returned_at is null
    union all
    -- the goods came back, no refund recorded (neither an event nor a refund line in the settlements)
    select order_id, 'returned_not_refunded', paid_cents from ro
    where returned_at is not null and refund_cents = 0 and refund_lines_cents = 0 and paid_cents > 0
)
select f.finding, f.order_id, f.amount_cents, o.channel, o.shop_id, o.warehouse, o.currency, o.placed_at,
    o.platform_order_id, o.paid_cents, o.refund_cents, o.fee_cents, o.expected_net_cents, o.settled_cents
from found f
join ro o using (order_id);

-- The findings of every order.
create or replace macro recon_findings(as_of) as table
select * from recon_findings_in(as_of, null, null, []::varchar[], []::varchar[], []::varchar[]);

-- Returns, refunds and complaints per order in the `days` before `as_of`, for the buyers' history below.
-- A complaint is an exception of an accuracy type (wrong or missing item). Per order, because a return, a
-- refund and an exception each belong to one order: a buyer's counts are the sums over their orders, so a
-- caller joins only the few orders with history to their buyers, not every order to the history.
create or replace macro order_history(as_of, days) as table
select order_id, sum(returns)::bigint as returns, sum(refunds)::bigint as refunds,
    sum(complaints)::bigint as complaints
from (
    select order_id, count(distinct return_id) as returns, 0 as refunds, 0 as complaints
    from returns
    where requested_at > as_of - to_days(days) and requested_at <= as_of
    group by order_id
    union all
    select distinct order_id, 0, 1, 0
    from lake_order_events
    where event = 'refunded' and occurred_at > as_of - to_days(days) and occurred_at <= as_of
    union all
    select x.order_id, 0, 0, count(distinct x.exception_id)
    from exceptions x
    join accuracy_exception_types t on t.type = x.type
    where x.detected_at > as_of - to_days(days) and x.detected_at <= as_of
    group by x.order_id
)
group by order_id;

-- Per buyer of `buyer_orders` (a table or view with order_id and buyer_id: `orders` for the rule features,
-- the order_facts mart for the page), their returns, refunds and complaints in the `days` before `as_of`.
create or replace macro buyer_history_of(buyer_orders, as_of, days) as table
select b.buyer_id, sum(h.returns)::bigint as returns, sum(h.refunds)::bigint as refunds,
    sum(h.complaints)::bigint as complaints
from order_history(as_of, days) h
join query_table(buyer_orders) b using (order_id)
where b.buyer_id <> ''
group by b.buyer_id;

-- Every buyer's history (rule features: models/rules/canonical.py).
create or replace macro buyer_history(as_of, days) as table
select * from buyer_history_of('orders', as_of, days);
