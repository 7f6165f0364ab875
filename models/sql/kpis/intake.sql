-- Intake quality: what reading the platforms' data and files left out, so that nothing goes missing silently.

-- name: quality_unreadable_fields
-- Optional fields that could not be read (an odd time, an object where text belongs), left empty while the
-- order was kept: per channel and canonical field, with how many orders and an example of the reason.
select channel, replace(rule_id, 'ingest.optional_field.', '') as field, count(distinct order_id) as orders,
       min(note) as example, max(detected_at) as last_seen_at
from scoped_exceptions($start_at, $end_at, $channels, $shops, $warehouses)
where type = 'unreadable_field'
group by all
order by orders desc, channel, field;

-- name: quality_missing_fx
-- Currencies of scoped orders that have no exchange rate to the reporting currency (their GMV cannot be
-- converted): per currency, the orders and their total in that currency's minor units.
select currency, count(*) as orders, sum(total_cents) as total_minor
from scoped_orders($start_at, $end_at, $channels, $shops, $warehouses)
where gmv_cents is null and total_cents is not null
group by all
order by orders desc, currency;
