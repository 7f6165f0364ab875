-- Customer-service lookup (models/lookup.py): one search text against the order_facts mart, read in place.
-- Parameters: $text (as typed), $needle (lower-cased), $digits (a phone's digits), $limit, and the user's
-- access ($channels, $shops, $warehouses: empty = all). Newest first; at most $limit rows.

-- name: exact
-- Equality first: an id typed in full is one row group probe per column, never a contains() scan.
select order_id, platform_order_id, tracking_no, channel, warehouse, carrier, status, placed_at,
    case when order_id = $text then 'order_id' when platform_order_id = $text then 'platform_order_id'
         else 'tracking_no' end as matched
from order_facts
where (order_id = $text or platform_order_id = $text or tracking_no = $text)
  and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
order by placed_at desc, order_id
limit $limit;

-- name: partial
-- Part of an id, any case: prefix matches of the internal id, platform id or tracking number come first.
select order_id, platform_order_id, tracking_no, channel, warehouse, carrier, status, placed_at,
    case when contains(lower(order_id), $needle) then 'order_id'
         when contains(lower(platform_order_id), $needle) then 'platform_order_id'
         else 'tracking_no' end as matched
from order_facts
where (contains(lower(order_id), $needle) or contains(lower(platform_order_id), $needle)
       or contains(lower(tracking_no), $needle))
  and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
order by starts_with(lower(order_id), $needle) or starts_with(lower(platform_order_id), $needle)
    or starts_with(lower(tracking_no), $needle) desc, placed_at desc, order_id
limit $limit;

-- name: phone
-- Receiver phone (the caller asks only for roles that may see it): any version of the order row counts, so
-- the number the customer ordered with still finds an order whose phone was later corrected.
select f.order_id, f.platform_order_id, f.tracking_no, f.channel, f.warehouse, f.carrier, f.status,
    f.placed_at, 'receiver_phone' as matched
from order_facts f
semi join (select order_id from lake_orders where contains(receiver_phone, $digits)) p using (order_id)
where in_dimensions(f.channel, f.shop_id, f.warehouse, $channels, $shops, $warehouses)
order by f.placed_at desc, f.order_id
limit $limit;
