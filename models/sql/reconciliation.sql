-- Month-end reconciliation, defined once (docs/reconciliation.md). Layering: per order what the hub expects
-- the platform to pay (recon_orders_in) → the findings, one row per order and finding type (recon_findings_in) →
-- the named queries of kpis/reconciliation.sql. Config tables recon_fees, recon_fixed_fees and
-- recon_tolerance come from config/reconciliation.toml (models/reconciliation/config.py).
-- Money is integer minor units in the order's currency; fees are rounded half away from zero per order.

-- Per order placed in [start_at, end_at) within the dimensions (null bounds: every order): paid − refunds −
-- the channel's fees = expected net, beside what was settled. What the order's events and its settlement lines
-- say (refund amounts, shipments, tracking numbers, what was paid and in how many lines) is in the
-- order_facts mart (models/sql/views.sql), so a month costs a scan of its facts: not a pass over its events
-- or a join with its settlement lines.
create or replace macro recon_orders_in(start_at, end_at, channels, shops, warehouses) as table
with scoped as (
    select order_id, channel, shop_id, warehouse, currency, status, placed_at, paid_at, ship_by_at, shipped_at,
        delivered_at, cancelled_at, returned_at, refunded_at, platform_order_id, total_cents,
        refund_events_cents, warehouse_shipments, tracking_numbers,
        settled_cents, settlement_lines, sale_lines, refund_lines_cents, last_settled_at
    from order_facts
    where (start_at is null or placed_at >= start_at) and (end_at is null or placed_at < end_at)
      and in_dimensions(channel, shop_id, warehouse, channels, shops, warehouses)
), base as (
    -- a refund the platform reported (a `refunded` event, or the status) is the amounts its events carry,
    -- else the whole order; never more than the order's total
    select f.order_id, f.channel, f.shop_id, f.warehouse, f.currency, f.status, f.placed_at, f.paid_at, f.ship_by_at,
        f.shipped_at, f.delivered_at, f.cancelled_at, f.returned_at, f.platform_order_id,
        f.warehouse_shipments, f.tracking_numbers, f.settled_cents, f.settlement_lines, f.sale_lines,
        f.refund_lines_cents, f.last_settled_at,
        case when f.paid_at is not null then f.total_cents else 0 end as paid_cents,
        case when f.refunded_at is not null or f.status = 'refunded'
             then least(f.total_cents, coalesce(f.refund_events_cents, f.total_cents)) else 0 end as refund_cents,
        f.refunded_at,
        coalesce(c.fee_percent, d.fee_percent) as fee_percent,
        coalesce(c.settlement_days, d.settlement_days) as settlement_days,
        coalesce(x.fixed_cents, dx.fixed_cents, 0) as fixed_cents
    from scoped f
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
    coalesce(t.tolerance_cents, 0) as tolerance_cents
from fees
left join recon_tolerance t using (currency);

-- Every order (the findings raised as exceptions, scripts and tests).
create or replace view recon_orders as
select * from recon_orders_in(null, null, []::varchar[], []::varchar[], []::varchar[]);

-- The totals per channel, shop and currency of `orders` (the name of a table or CTE of recon_orders_in rows).
create or replace macro recon_totals_of(orders) as table
select channel, shop_id, currency,
    count(*) as orders,
    sum(paid_cents)::bigint as paid_cents,
    sum(refund_cents)::bigint as refund_cents,
    sum(fee_cents)::bigint as fee_cents,
    sum(expected_net_cents)::bigint as expected_net_cents,
    sum(settled_cents)::bigint as settled_cents
from query_table(orders)
group by all;

-- The month's totals, for orders placed in [start_at, end_at).
create or replace macro recon_month_totals(start_at, end_at, channels, shops, warehouses) as table
with ro as (select * from recon_orders_in(start_at, end_at, channels, shops, warehouses))
select * from recon_totals_of('ro');

-- The findings as of an instant, per order of recon_orders_in: a column `finding_<type>` per finding type, the
-- amount at stake in the order's currency when the order has that finding, else null (signed for settlement
-- differences: negative = the platform paid less than expected). Made in one pass over the order's row, as plain
-- columns (a list of structs per order cost twice the reading at 10 M orders), so the month's totals and its
-- findings can come from one reading (recon_measures). Each type is raised as an exception of type
-- `recon_<type>` (models/reconciliation/findings.py, whose FINDINGS name them in this order).
create or replace macro recon_checked_in(as_of, start_at, end_at, channels, shops, warehouses) as table
select *,
    -- 漏发: paid, past its ship-by time, never shipped, not cancelled or refunded
    case when paid_at is not null and shipped_at is null and cancelled_at is null and refunded_at is null
              and ship_by_at < as_of
         then paid_cents end as finding_unshipped,
    -- two tracking numbers, or two shipments from one warehouse source
    case when tracking_numbers > 1 or warehouse_shipments > 1 then paid_cents end as finding_double_shipped,
    -- delivered, the channel's settlement delay passed, nothing settled
    case when delivered_at is not null and settlement_lines = 0 and expected_net_cents <> 0
              and delivered_at + to_days(settlement_days) < as_of
         then expected_net_cents end as finding_unsettled,
    -- the sale settled in two report lines: the surplus is what was paid twice
    case when sale_lines > 1 then settled_cents - expected_net_cents end as finding_settled_twice,
    -- settled once, but not what the fee table says, beyond the currency's tolerance
    case when settlement_lines > 0 and sale_lines <= 1 and abs(settled_cents - expected_net_cents) > tolerance_cents
         then settled_cents - expected_net_cents end as finding_settlement_mismatch,
    -- refunded on the platform, the goods went out and never came back
    case when refund_cents > 0 and shipped_at is not null and returned_at is null
         then refund_cents end as finding_refund_not_returned,
    -- the goods came back, no refund recorded (neither an event nor a refund line in the settlements)
    case when returned_at is not null and refund_cents = 0 and refund_lines_cents = 0 and paid_cents > 0
         then paid_cents end as finding_returned_not_refunded
from recon_orders_in(start_at, end_at, channels, shops, warehouses);

-- One row per order and finding type of `checked` (the name of a table or CTE of recon_checked_in rows): only the
-- orders with a finding are unpivoted.
create or replace macro recon_findings_of(checked) as table
select replace(finding, 'finding_', '') as finding, order_id, amount_cents, channel, shop_id, warehouse, currency,
    placed_at, platform_order_id, paid_cents, refund_cents, fee_cents, expected_net_cents, settled_cents
from (unpivot (select * from (select *, coalesce(*columns('^finding_')) as _any from query_table(checked))
               where _any is not null)
      on columns('^finding_') into name finding value amount_cents);

create or replace macro recon_findings_in(as_of, start_at, end_at, channels, shops, warehouses) as table
with checked as (select * from recon_checked_in(as_of, start_at, end_at, channels, shops, warehouses))
select * from recon_findings_of('checked');

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
