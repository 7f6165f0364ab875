-- Customer-service lookup (models/lookup.py): one search text against the order_facts mart, read in place.
-- Parameters: $text (as typed), $upper (upper-cased), $digits (a phone's digits), $limit, and the user's
-- access ($channels, $shops, $warehouses: empty = all). Newest first; at most $limit rows.

-- name: exact
-- Equality first: an id typed in full is the cheapest scan (and the one answer); few columns are read, as
-- contains() and equality are not pushed into the Parquet scan and every projected column is decoded.
select order_id, platform_order_id, tracking_no, channel, status, placed_at,
    case when order_id = $text then 'order_id' when platform_order_id = $text then 'platform_order_id'
         else 'tracking_no' end as matched
from order_facts
where $text in (order_id, platform_order_id, tracking_no)
  and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
order by placed_at desc, order_id
limit $limit;

-- name: partial
-- Part of an id, as typed or in capitals (ids are capitals and digits; no per-row lower(), which costs a scan
-- its speed); a prefix match of any of the three comes first.
select order_id, platform_order_id, tracking_no, channel, status, placed_at,
    case when contains(order_id, $text) or contains(order_id, $upper) then 'order_id'
         when contains(platform_order_id, $text) or contains(platform_order_id, $upper) then 'platform_order_id'
         else 'tracking_no' end as matched
from order_facts
where (contains(order_id, $text) or contains(platform_order_id, $text) or contains(tracking_no, $text)
       or contains(order_id, $upper) or contains(platform_order_id, $upper) or contains(tracking_no, $upper))
  and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
order by starts_with(order_id, $upper) or starts_with(platform_order_id, $upper) or starts_with(tracking_no, $upper)
    desc, placed_at desc, order_id
limit $limit;

-- name: phone
-- Receiver phone (the caller asks only for roles that may see it): any version of the order row counts, so
-- the number the customer ordered with still finds an order whose phone was later corrected.
select f.order_id, f.platform_order_id, f.tracking_no, f.channel, f.status, f.placed_at, 'receiver_phone' as matched
from order_facts f
semi join (select order_id from lake_orders where contains(receiver_phone, $digits)) p using (order_id)
where in_dimensions(f.channel, f.shop_id, f.warehouse, $channels, $shops, $warehouses)
order by f.placed_at desc, f.order_id
limit $limit;

-- The same three searches over the lookup key index (models/lookup_keys.py: one row per lower-cased key,
-- sorted, carrying the order's ids, status, placing and dimensions). $lower is the text lower-cased, $high the
-- first text after every key that starts with it. The key finds candidates (a lower-cased match holds every
-- match as typed or in capitals); the plain searches' own conditions on the carried ids then decide, so the
-- rows and their order are the plain searches'.

-- name: exact_indexed
-- Equality on the sorted key: only the row groups whose key range holds it are read.
select * from (
    select distinct order_id, platform_order_id, tracking_no, channel, status, placed_at,
        case when order_id = $text then 'order_id' when platform_order_id = $text then 'platform_order_id'
             else 'tracking_no' end as matched
    from lookup_keys
    where key = $lower and field <> 'receiver_phone'
      and $text in (order_id, platform_order_id, tracking_no)
      and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
)
order by placed_at desc, order_id
limit $limit;

-- name: prefix_indexed
-- The orders with an id that starts with the text in capitals (the partial search lists them first): a key
-- range, so only the row groups that can hold it are read. When they fill the list, the list is theirs.
select * from (
    select distinct order_id, platform_order_id, tracking_no, channel, status, placed_at,
        case when contains(order_id, $text) or contains(order_id, $upper) then 'order_id'
             when contains(platform_order_id, $text) or contains(platform_order_id, $upper) then 'platform_order_id'
             else 'tracking_no' end as matched
    from lookup_keys
    where key >= $lower and key < $high and field <> 'receiver_phone'
      and (starts_with(order_id, $upper) or starts_with(platform_order_id, $upper) or starts_with(tracking_no, $upper))
      and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
)
order by placed_at desc, order_id
limit $limit;

-- name: partial_indexed
-- Part of an id anywhere (models/lookup.py narrows lookup_keys to the blocks that hold it). An order has at
-- most one key row per id field, so the first $cap = 3 × $limit rows in list order hold the whole list: a text
-- thousands of keys hold sorts only those, not every match.
select * from (
    select distinct order_id, platform_order_id, tracking_no, channel, status, placed_at,
        case when contains(order_id, $text) or contains(order_id, $upper) then 'order_id'
             when contains(platform_order_id, $text) or contains(platform_order_id, $upper) then 'platform_order_id'
             else 'tracking_no' end as matched
    from (
        select * from lookup_keys
        where contains(key, $lower) and field <> 'receiver_phone'
          and (contains(order_id, $text) or contains(platform_order_id, $text) or contains(tracking_no, $text)
               or contains(order_id, $upper) or contains(platform_order_id, $upper) or contains(tracking_no, $upper))
          and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
        order by starts_with(order_id, $upper) or starts_with(platform_order_id, $upper)
            or starts_with(tracking_no, $upper) desc, placed_at desc, order_id
        limit $cap
    )
)
order by starts_with(order_id, $upper) or starts_with(platform_order_id, $upper) or starts_with(tracking_no, $upper)
    desc, placed_at desc, order_id
limit $limit;

-- name: phone_indexed
-- Every receiver phone any version of the order had is a key (digits have no case). The first $cap key rows
-- in list order hold the whole list unless an order has more than $cap / $limit phones: models/lookup.py asks
-- again without the cap when the list comes back short.
select * from (
    select distinct order_id, platform_order_id, tracking_no, channel, status, placed_at, 'receiver_phone' as matched
    from (
        select * from lookup_keys
        where field = 'receiver_phone' and contains(key, $digits)
          and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
        order by placed_at desc, order_id
        limit $cap
    )
)
order by placed_at desc, order_id
limit $limit;
