-- The orders behind the status agreement figure (quality_agreement; defined in models/sql/events.sql).

-- name: status_disagreements
-- Orders whose platform, warehouse and carrier reports of a step are more than 180 s apart, worst first.
select order_id, worst_step, worst_sources, spread_s
from status_agreement($start_at, $end_at, $channels, $shops, $warehouses)
where not agrees
order by spread_s desc, order_id
limit 200;
