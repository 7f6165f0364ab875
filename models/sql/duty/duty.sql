-- The duty banner shown on every page (models/duty.py): one small query per page render (measured: 12 ms for
-- a scoped user, 0.12 s unrestricted at 196 k orders; the console caches it per lake version and minute).
-- Parameters: $as_of (UTC now), $channels, $shops, $warehouses (the user's access; empty = all).

-- name: duty
-- Open and overdue exceptions in the access, counted as the queue lists them (models/sql/triage/console.sql
-- `queue`: status open or in_progress, overdue once its due time passed, the same access rule), and the alerts raised, not cleared and not acknowledged that the access covers: a channel's
-- paused/failed pull when its channel and shop are in it; capacity and overdue alerts (whole-operation
-- figures) only for an unrestricted user, whose own overdue count is already in the first two numbers.
with order_ids_known as (select distinct order_id from exception_facts), mine as (
    -- exception_facts is persisted beside order_facts in the console: no scan of every order
    select status, due_at
    from exception_facts
    where status in ('open', 'in_progress')
      and in_dimensions(channel, shop_id, warehouse, $channels, $shops, $warehouses)
    union all
    -- what the queue also lists for an unrestricted user: exceptions whose order the lake does not hold
    select status, due_at
    from exceptions
    where len($channels) + len($shops) + len($warehouses) = 0 and status in ('open', 'in_progress')
      and order_id not in (select order_id from order_ids_known)
), fresh_alerts as (
    select a.alert_id, a.kind, a.title, a.raised_at
    from alerts a
    where a.cleared_at is null
      and a.alert_id not in (select target_id from actions where action = 'acknowledge_alert' and target_type = 'alert')
      and case when a.kind in ('paused', 'failed')
               then in_dimensions(split_part(split_part(a.condition_key, ':', 2), '/', 1),
                                  split_part(a.condition_key, '/', 2), null, $channels, $shops, [])
               else len($channels) + len($shops) + len($warehouses) = 0 end
)
select
    (select count(*) from mine) as open,
    (select count(*) from mine where due_at < $as_of) as overdue,
    (select count(*) from fresh_alerts) as new_alerts,
    (select coalesce(list({'alert_id': alert_id, 'kind': kind, 'title': title, 'raised_at': raised_at}
                          order by raised_at desc), []) from fresh_alerts) as alerts;
