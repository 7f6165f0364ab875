-- The duty banner shown on every page (models/duty.py): one small query per page render.
-- Parameters: $as_of (UTC now), $channels, $shops, $warehouses (the user's access; empty = all).

-- name: duty
-- Open and overdue exceptions in the access, counted exactly as the queue counts them (models/sql/triage/
-- console.sql `queue`: an exception in a status of `open_exception_statuses()`, overdue once its due time
-- passed), and the alerts raised, not cleared and not acknowledged that the access covers: a channel's
-- paused/failed pull when its channel and shop are in it; capacity and overdue alerts (whole-operation
-- figures) only for an unrestricted user, whose own overdue count is already in the first two numbers.
with mine as (
    select e.status, e.due_at
    from (select order_id, status, due_at from exceptions where status in ('open', 'in_progress')) e
    left join order_facts o using (order_id)  -- the persisted mart in the console: no scan of every order version
    where in_dimensions(o.channel, o.shop_id, o.warehouse, $channels, $shops, $warehouses)
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
