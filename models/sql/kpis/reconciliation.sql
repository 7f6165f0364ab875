-- Month-end reconciliation (views and findings in models/sql/reconciliation.sql). Orders are scoped by their
-- placed time like every KPI; a month is the scope from its first to its last local day. Money per currency.

-- name: recon_totals
-- Per channel, shop and currency: paid, refunds, fees, expected net and settled, and their difference.
select *, settled_cents - expected_net_cents as difference_cents
from recon_month_totals($start_at, $end_at, $channels, $shops, $warehouses)
order by channel, shop_id, currency;

-- name: recon_measures
-- The month's figures one per row (what closing a month freezes): the totals and each finding type found.
-- The month's orders are read and checked once: the totals and the findings both come from that reading,
-- the findings counted and summed per column (`finding_<type>`, null when an order does not have it).
with checked as materialized (
    select channel, shop_id, currency, paid_cents, refund_cents, fee_cents, expected_net_cents, settled_cents,
        columns('^finding_')
    from recon_checked_in($as_of, $start_at, $end_at, $channels, $shops, $warehouses)
), t as (select * from recon_totals_of('checked')),
f as (
    select channel, shop_id, currency,
        {'orders': count(columns('^finding_(.*)')), 'amount_cents': sum(columns('^finding_(.*)'))::bigint}
            as 'finding.\1'
    from checked
    group by all
)
select channel, shop_id, currency, measure, orders, amount_cents
from t
unpivot (amount_cents for measure in (paid_cents as 'paid', refund_cents as 'refunds', fee_cents as 'fees',
                                      expected_net_cents as 'expected', settled_cents as 'settled'))
union all
select channel, shop_id, currency, measure, f.orders, f.amount_cents
from (unpivot f on columns(* exclude (channel, shop_id, currency)) into name measure value f)
where f.orders > 0
order by channel, shop_id, currency, measure;

-- name: recon_findings_summary
-- Per finding type and currency: orders and the amount at stake (settlement differences signed and absolute),
-- counted and summed per finding column, then one row per type found.
with per_currency as (
    select currency,
        {'orders': count(columns('^finding_(.*)')), 'amount_cents': sum(columns('^finding_(.*)'))::bigint,
         'at_stake_cents': sum(abs(columns('^finding_(.*)')))::bigint} as '\1'
    from recon_checked_in($as_of, $start_at, $end_at, $channels, $shops, $warehouses)
    group by currency
)
select finding, currency, f.orders, f.amount_cents, f.at_stake_cents
from (unpivot per_currency on columns(* exclude (currency)) into name finding value f)
where f.orders > 0
order by finding, currency;

-- name: recon_finding_orders
-- The orders behind one finding ($finding), or behind every finding when it is null: the page lists the first
-- $row_limit of one, the workbook exports them all (a null limit).
select finding, order_id, platform_order_id, channel, shop_id, currency, placed_at,
    paid_cents, refund_cents, fee_cents, expected_net_cents, settled_cents, amount_cents
from recon_findings_in($as_of, $start_at, $end_at, $channels, $shops, $warehouses)
where $finding is null or finding = $finding
order by finding, channel, shop_id, placed_at, order_id
limit $row_limit;

-- name: recon_buyers
-- Buyers of the scoped orders with at least [buyers] min_events returns + refunds + complaints in the
-- [buyers] days before the end of the scope (or now, if sooner); config/reconciliation.toml. The few buyers
-- with that history are found first, then their orders in the scope (not every buyer of the scope grouped).
with watched as (
    select buyer_id, returns, refunds, complaints, returns + refunds + complaints as total
    from buyer_history_of('order_facts', least($end_at, $as_of), (select days from recon_buyer_watch))
    where returns + refunds + complaints >= (select min_events from recon_buyer_watch)
), scoped as (
    select buyer_id, count(*) as orders
    from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
    where buyer_id in (select buyer_id from watched)
    group by buyer_id
)
select w.buyer_id, w.returns, w.refunds, w.complaints, w.total, s.orders
from watched w
join scoped s using (buyer_id)
order by w.total desc, w.buyer_id;
