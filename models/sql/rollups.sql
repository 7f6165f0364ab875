-- Additive rollups of order_facts: counts a page groups over the whole lake, kept by the mart beside each
-- month's file (models/facts_mart.py), so that the page sums a few thousand rows instead of reading every
-- order. A rollup holds counts only, made by the expressions below and nowhere else; the figure's formula is
-- a macro over the counts (macros.sql) that the named query applies. `quality_rollup_of('t')` computes the
-- rollup of the orders in table or view `t`; `quality_rollup` is that of `order_facts` (the live view), and
-- `models.db.connect(materialize=True)` points it at the mart's files instead. Part of the mart's fingerprint.

-- The Data quality page's completeness: per placing bucket, channel, shop, warehouse and field, the orders the
-- field applies to (`orders`) and those whose row fills it (`filled_orders`: not null, not blank). A field only
-- counts where it applies: paid_at unless the order is pending payment, cancelled or unknown; carrier and
-- tracking_no once shipped.
-- The bucket is placed_at's UTC month (stored as its 15th), but the quarter hour on 31 December and 1 January
-- (UTC): every order of a bucket falls in the same local year in every time zone (offsets lie within -12..+14 h
-- and have been whole quarter hours everywhere since 1972), so `year(timezone($tz, placed_bucket))` is the
-- local year of each of its orders whatever zone the console is set to.
create or replace macro quality_rollup_of(facts) as table
with placed as (
    select *, timezone('UTC', placed_at) as placed_utc from query_table(facts)
), flags as (
    select
        timezone('UTC', case when strftime(placed_utc, '%m-%d') in ('12-31', '01-01')
                             then time_bucket(interval 15 minutes, placed_utc)
                             else date_trunc('month', placed_utc) + interval 14 days end) as placed_bucket,
        channel, shop_id, warehouse,
        filled_platform_order_id as platform_order_id,
        filled_buyer_id as buyer_id,
        filled_receiver_name as receiver_name,
        filled_receiver_phone as receiver_phone,
        filled_receiver_province as receiver_province,
        filled_receiver_city as receiver_city,
        filled_receiver_address as receiver_address,
        filled_warehouse,  -- named apart from the warehouse it is grouped by
        case when shipped_at is not null then filled_carrier end as carrier,
        case when shipped_at is not null then filled_tracking_no end as tracking_no,
        case when status not in ('pending_payment', 'cancelled', 'unknown') then paid_at is not null end as paid_at
    from placed
)
select placed_bucket, channel, shop_id, warehouse, if(field = 'filled_warehouse', 'warehouse', field) as field,
    count(filled) as orders, count(*) filter (where filled) as filled_orders
from (unpivot flags on columns(* exclude (placed_bucket, channel, shop_id, warehouse)) into name field value filled)
group by all;

create or replace view quality_rollup as select * from quality_rollup_of('order_facts');
