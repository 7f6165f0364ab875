-- Reads of the packing station and the pick lists (models/packing.py). Parameters: $ref (what the scanner
-- typed), $order_id, $event_id, $hold_types, $warehouse, $paid_before (null = no cut).

-- name: resolve
-- Every order the scanned text names: internal id, tracking number or platform order id (exact match).
select o.order_id, o.channel, o.shop_id, o.platform_order_id, o.warehouse, o.carrier, o.tracking_no,
    l.stage
from orders o
left join order_lifecycle l using (order_id)
where o.order_id = $ref or o.tracking_no = $ref or o.platform_order_id = $ref
order by o.order_id;

-- name: steps_done
-- The warehouse steps the order's events reached (any source), minus console scans that were undone.
select distinct event from lake_order_events
where order_id = $order_id and event in ('picked', 'packed', 'shipped', 'in_transit', 'out_for_delivery',
    'delivered', 'completed')
  and event_id not in (select detail from lake_order_events where event = 'scan_undone' and order_id = $order_id
      and detail is not null);

-- name: holds
-- Open exceptions that stop a parcel from leaving (the hold types): what the packer must not ship past.
select type from exceptions
where order_id = $order_id and status in ('open', 'in_progress') and list_contains($hold_types, type)
order by type;

-- name: lines
select line_no, sku, title, qty, is_gift from order_lines where order_id = $order_id order by is_gift, line_no;

-- name: scan_event
-- A console scan and whether it was undone already.
select e.event_id, e.order_id, e.event, e.source, e.actor,
    exists (select 1 from lake_order_events u where u.event = 'scan_undone' and u.detail = e.event_id) as undone
from lake_order_events e
where e.event_id = $event_id;

-- name: recent_scans
-- The latest console scans (with their undo state) of the orders in the access, newest first.
select e.event_id, e.order_id, e.event, e.actor, e.occurred_at,
    exists (select 1 from lake_order_events u where u.event = 'scan_undone' and u.detail = e.event_id) as undone
from lake_order_events e
join orders o using (order_id)
where e.source = 'console' and e.event in ('picked', 'packed', 'shipped')
  and in_dimensions(o.channel, o.shop_id, o.warehouse, $channels, $shops, $warehouses)
order by e.occurred_at desc
limit 50;

-- name: pick_lines
-- The wave: orders of the warehouse allocated and not yet picked, paid before the cut, not on hold; a row
-- per line.
select l.order_id, l.sku, l.title, l.qty, coalesce(l.is_gift, false) as is_gift
from orders o
join order_lifecycle c using (order_id)
join order_lines l using (order_id)
where o.warehouse = $warehouse and c.stage = 'allocated'
  and ($paid_before is null or o.paid_at <= $paid_before)
  and not exists (select 1 from exceptions x where x.order_id = o.order_id
                  and x.status in ('open', 'in_progress') and list_contains($hold_types, x.type))
  and in_dimensions(o.channel, o.shop_id, o.warehouse, $channels, $shops, $warehouses)
order by l.sku, l.order_id;

-- name: pick_warehouses
-- Warehouses with at least one order waiting to be picked, inside the access.
select distinct o.warehouse from orders o join order_lifecycle c using (order_id)
where c.stage = 'allocated' and o.warehouse is not null
  and in_dimensions(o.channel, o.shop_id, o.warehouse, $channels, $shops, $warehouses)
order by 1;
