"""The hand-made lake plus what the duty banner and the exception explanations need, each worked out here.

On top of tests/handmade.py (X2: payment_failed on OH-D, Chengdu, open and long overdue):

exception           order   warehouse  status       due                 overdue now?
X2                  OH-D    Chengdu    open         2026-03-02 22:00    yes
Y1 address_invalid  OH-A    Suzhou     open         2099-01-01          no
SLA on OH-S2        OH-S2   Suzhou     open         raised 13:00 +2 h   yes   (rules engine, sla-ship-by)
SLA on OH-S1        OH-S1   Suzhou     auto-closed  –                   –     (shipped 14:00, closed 14:10)

So an unrestricted user has 3 open, 2 overdue; a Suzhou-only user 2 open (Y1, S2), 1 overdue (S2).

The SLA pair is a hand-made sequence through the real rules engine: S1 and S2 (shopee/s1, Suzhou) were paid
at 10:00 local and must ship by 12:00; both allocated (S1 at 12:00, S2 at 13:00). Evaluated at 13:00 both
break `sla-ship-by`; S1 then ships at 14:00 and the evaluation at 14:10 closes its breach.

Alerts: AL-FAIL (failed:jd/j1) and AL-CAP (capacity) open; AL-PAUSE cleared; AL-ACK (failed:shopee/s1) open
but acknowledged. New alerts: 2 for an unrestricted user, 1 (AL-FAIL) for a warehouse-scoped one.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from models import lake
from models.ids import event_id
from models.rules.apply import route_batch
from tests import handmade
from tests.handmade import local

SHIP_BY = local(2, 12)
FIRST_CHECK, SHIPPED, SECOND_CHECK = local(2, 13), local(2, 14), local(2, 14, 10)
FAR = datetime(2099, 1, 1, tzinfo=UTC)


def _order(key: str) -> dict:
    return {"order_id": f"OH-{key}", "channel": "shopee", "shop_id": "s1", "platform_order_id": key,
            "status": "to_ship", "raw_status": "X", "currency": "CNY", "total_cents": 3000, "warehouse": "Suzhou",
            "receiver_province": "浙江", "placed_at": local(2, 9, 55), "paid_at": local(2, 10),
            "ship_by_at": SHIP_BY, "updated_at": local(2, 10), "ingested_at": local(2, 10)}


def _events(key: str, *steps: tuple[str, datetime]) -> list[dict]:
    oid = f"OH-{key}"
    return [{"event_id": event_id(oid, ev, "wms", at), "order_id": oid, "event": ev, "source": "wms",
             "occurred_at": at, "ingested_at": at} for ev, at in steps]


def _alert(alert_id: str, key: str, kind: str, title: str, cleared: datetime | None = None) -> dict:
    return {"alert_id": alert_id, "condition_key": key, "kind": kind, "title": title,
            "detail": title, "raised_at": local(2, 11), "cleared_at": cleared, "updated_at": cleared or local(2, 11)}


def build(lake_dir: Path) -> None:
    handmade.build(lake_dir)
    lake.write(lake_dir, "orders", [_order("S1"), _order("S2")])
    lake.write(lake_dir, "order_events", _events("S1", ("placed", local(2, 9, 55)), ("paid", local(2, 10)),
                                                 ("allocated", local(2, 12))))
    lake.write(lake_dir, "order_events", _events("S2", ("placed", local(2, 9, 55)), ("paid", local(2, 10)),
                                                 ("allocated", local(2, 13))))
    route_batch(lake_dir, ["OH-S1", "OH-S2"], now=FIRST_CHECK)
    lake.write(lake_dir, "order_events", _events("S1", ("picked", local(2, 13, 30)), ("packed", local(2, 13, 45)),
                                                 ("shipped", SHIPPED)))
    route_batch(lake_dir, ["OH-S1", "OH-S2"], now=SECOND_CHECK)
    lake.write(lake_dir, "exceptions", [
        {"exception_id": "Y1", "order_id": "OH-A", "type": "address_invalid", "severity": "medium",
         "status": "open", "source": "ingest", "detected_at": local(2, 10, 5), "due_at": FAR,
         "updated_at": local(2, 10, 5), "ingested_at": local(2, 10, 5)}])
    lake.write(lake_dir, "alerts", [
        _alert("AL-FAIL", "failed:jd/j1", "failed", "jd/j1: the last pull failed"),
        _alert("AL-CAP", "capacity:2026-03-02T10", "capacity", "Intake 10:00: 240 orders"),
        _alert("AL-PAUSE", "paused:tmall/t1", "paused", "tmall/t1 paused", cleared=local(2, 12)),
        _alert("AL-ACK", "failed:shopee/s1", "failed", "shopee/s1: the last pull failed")])
    lake.write(lake_dir, "actions", [
        {"action_id": "A-ACK", "occurred_at": local(2, 11, 30), "user": "ops.demo", "role": "ops",
         "action": "acknowledge_alert", "target_type": "alert", "target_id": "AL-ACK"}])


def add_recent_days(lake_dir: Path, now: datetime) -> dict[str, int]:
    """Orders of yesterday and today (relative to `now`), exceptions in every state and channel pulls, for the
    figures that must agree (issue #16 item 7). All on tmall/t1 in Hefei: the Suzhou figures above stay.

    yesterday  R1 placed 10:00 paid 10:05 shipped 14:05 (4 h)   R2 11:00/11:05 shipped 17:05 (6 h)
               R3 12:00/12:05 not shipped (still open: not in the day's lead time)
    today      R4, R5 placed in the first half of today (the day is not over)
    exceptions on R1..R3, detected yesterday: open (due 2099), resolved by a person, auto-closed, dismissed
    pulls      shopee/s1 ok 5 min behind; tmall/t1 ok but 752 min behind (stale); jd/j1 failed 2 h ago
    """
    zone = ZoneInfo("Asia/Shanghai")
    today = datetime.combine(now.astimezone(zone).date(), time(), zone)
    yesterday = today - timedelta(days=1)
    at = lambda day, h, m=0: (day + timedelta(hours=h, minutes=m)).astimezone(UTC)  # noqa: E731
    orders, events = [], []
    for key, (placed, shipped) in {"R1": (at(yesterday, 10), at(yesterday, 14, 5)),
                                   "R2": (at(yesterday, 11), at(yesterday, 17, 5)),
                                   "R3": (at(yesterday, 12), None)}.items():
        orders.append({**_order(key), "channel": "tmall", "shop_id": "t1", "warehouse": "Hefei",
                       "status": "shipped" if shipped else "to_ship", "placed_at": placed,
                       "paid_at": placed + timedelta(minutes=5), "ship_by_at": placed + timedelta(days=2),
                       "updated_at": shipped or placed, "ingested_at": shipped or placed})
        events += _events(key, ("placed", placed), ("paid", placed + timedelta(minutes=5)),
                          *([("shipped", shipped)] if shipped else []))
    half = today.astimezone(UTC) + (now - today.astimezone(UTC)) / 2
    for key in ("R4", "R5"):
        orders.append({**_order(key), "channel": "tmall", "shop_id": "t1", "warehouse": "Hefei",
                       "status": "pending_payment", "placed_at": half, "paid_at": None, "ship_by_at": None,
                       "updated_at": half, "ingested_at": half})
        events += _events(key, ("placed", half))
    lake.write(lake_dir, "orders", orders)
    lake.write(lake_dir, "order_events", events)
    seen = at(yesterday, 15)
    base = {"severity": "medium", "detected_at": seen, "due_at": FAR, "updated_at": seen, "ingested_at": seen}
    lake.write(lake_dir, "exceptions", [
        {**base, "exception_id": "Z1", "order_id": "OH-R1", "type": "address_invalid", "status": "open"},
        {**base, "exception_id": "Z2", "order_id": "OH-R2", "type": "address_invalid", "status": "resolved",
         "resolution_code": "address_corrected", "resolved_at": seen + timedelta(hours=1),
         "updated_at": seen + timedelta(hours=1)},
        {**base, "exception_id": "Z3", "order_id": "OH-R3", "type": "sla_breach", "status": "resolved",
         "resolution_code": "auto_cleared", "resolved_at": seen + timedelta(hours=2),
         "updated_at": seen + timedelta(hours=2)},
        {**base, "exception_id": "Z4", "order_id": "OH-R3", "type": "payment_failed", "status": "dismissed",
         "resolution_code": "not_an_issue", "resolved_at": seen + timedelta(hours=3),
         "updated_at": seen + timedelta(hours=3)}])
    run = {"pages": 1, "fetched": 5, "new": 1, "updated": 0, "rejected": 0, "quarantined": 0, "http_errors": 0}
    lake.write(lake_dir, "channel_runs", [
        {**run, "run_id": "RUN-S", "channel": "shopee", "shop_id": "s1", "started_at": now - timedelta(minutes=6),
         "finished_at": now - timedelta(minutes=5), "outcome": "ok", "watermark": now - timedelta(minutes=5)},
        {**run, "run_id": "RUN-T", "channel": "tmall", "shop_id": "t1", "started_at": now - timedelta(minutes=6),
         "finished_at": now - timedelta(minutes=5), "outcome": "ok", "watermark": now - timedelta(minutes=752)},
        {**run, "run_id": "RUN-J", "channel": "jd", "shop_id": "j1", "started_at": now - timedelta(hours=2),
         "finished_at": now - timedelta(hours=2), "outcome": "failed", "http_errors": 3, "error": "HTTP 503",
         "watermark": None}])
    return {"complete_orders": 3, "today_orders": 2, "still_open_yesterday": 1}
