-- name: alert_overdue_places
-- Channels and warehouses of the orders whose open exceptions are past due: who is on duty for 'sla:overdue'.
select distinct o.channel, o.warehouse
from exceptions e
join orders o using (order_id)
where e.status in ('open', 'in_progress') and e.due_at < $as_of;
