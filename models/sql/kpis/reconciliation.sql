-- Month-end reconciliation (views and findings in models/sql/reconciliation.sql). Orders are scoped by their
-- placed time like every KPI; a month is the scope from its first to its last local day. Money per currency.

-- name: recon_totals
-- Per channel, shop and currency: paid, refunds, fees, expected net and settled, and their difference.
select channel, shop_id, currency,
    count(*) as orders,
    sum(paid_cents) as paid_cents,
    sum(refund_cents) as refund_cents,
    sum(fee_cents) as fee_cents,
    sum(expected_net_cents) as expected_net_cents,
    sum(settled_cents) as settled_cents,
    sum(settled_cents) - sum(expected_net_cents) as difference_cents
from recon_orders
where placed_at >= $start_at and placed_at < $end_at
  and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
group by all
order by channel, shop_id, currency;

-- name: recon_findings_summary
-- Per finding type and currency: orders and the amount at stake (settlement differences signed and absolute).
select finding, currency,
    count(*) as orders,
    sum(amount_cents) as amount_cents,
    sum(abs(amount_cents)) as at_stake_cents
from recon_findings($as_of)
where placed_at >= $start_at and placed_at < $end_at
  and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
group by all
order by finding, currency;

-- name: recon_finding_orders
-- The orders behind each finding (what the page lists and the workbook exports).
select finding, order_id, platform_order_id, channel, shop_id, currency, placed_at,
    paid_cents, refund_cents, fee_cents, expected_net_cents, settled_cents, amount_cents
from recon_findings($as_of)
where placed_at >= $start_at and placed_at < $end_at
  and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
order by finding, channel, shop_id, placed_at, order_id;

-- name: recon_buyers
-- Buyers of the scoped orders with at least $buyer_min returns + refunds + complaints in the $buyer_days
-- days before the end of the scope (or now, if sooner).
select h.buyer_id, h.returns, h.refunds, h.complaints, h.returns + h.refunds + h.complaints as total,
    count(o.order_id) as orders
from buyer_history(least($end_at, $as_of), $buyer_days) h
join orders o on o.buyer_id = h.buyer_id
where o.placed_at >= $start_at and o.placed_at < $end_at
  and in_dimensions(o.channel, o.shop_id, o.warehouse, $channels, $shops, $warehouses)
  and h.returns + h.refunds + h.complaints >= $buyer_min
group by all
order by total desc, h.buyer_id;
