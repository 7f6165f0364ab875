"""The reservation state is a function of the events alone: the same events written to a fresh lake, in
another order and other files, give the same state and available-to-sell; and a plain Python fold of the
events (latest event per reservation wins) gives the same per-reservation state. Also: the scheduler's
`reservations` job, due after downtime, catches up when `serve` starts."""

from __future__ import annotations

from datetime import UTC, datetime

import schedule

from ingest.scheduler import Runner, build, missed
from models import lake
from models.inventory.reserve import run_pass
from models.inventory.stock import record_counts
from models.settings import Settings
from tests.inventory.shop import at, order, query
from tests.inventory.test_reserve import setup

STATE = "select order_id, sku, warehouse, qty, state from reservation_state order by all"
ATS = "select * from inventory_available order by all"
RANK = {"reserved": 0, "picked": 1, "released": 2}
STATE_OF = {"reserved": "reserved", "picked": "allocated", "released": "released"}


def history(s: Settings) -> None:
    """P, Q, R as in test_reserve's release test, plus S reserved after R's cancel freed its unit."""
    order(s.lake_dir, "P", "shopee", {"SP-A": 2}, {"placed": at(9), "paid": at(9, 1)})
    order(s.lake_dir, "Q", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2)})
    order(s.lake_dir, "R", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 3)})
    run_pass(s, ["P", "Q", "R"], now=at(9, 5))
    order(s.lake_dir, "P", "shopee", {"SP-A": 2}, {"placed": at(9), "paid": at(9, 1), "picked": at(10),
                                                    "shipped": at(11)})
    order(s.lake_dir, "Q", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2), "picked": at(10, 30)})
    order(s.lake_dir, "R", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 3), "cancelled": at(10, 15)})
    order(s.lake_dir, "S", "lazada", {"LZ-A": 2}, {"placed": at(11), "paid": at(11, 30)})
    run_pass(s, now=at(12))


def fold(events: list[tuple]) -> list[tuple]:
    """Latest event per (order, sku, warehouse) by (time, reserved < picked < released): its qty and state."""
    last: dict[tuple, tuple] = {}
    for oid, sku, wh, qty, kind, t in events:
        key = (oid, sku, wh)
        if key not in last or (t, RANK[kind]) > (last[key][2], RANK[last[key][1]]):
            last[key] = (qty, kind, t)
    return sorted((*k, v[0], STATE_OF[v[1]]) for k, v in last.items())


def test_replayed_events_rebuild_the_same_state(data_dir, tmp_path_factory):
    live = setup(data_dir, {("A", "Suzhou"): 5})
    history(live)
    events = query(live, "select * from reservation_events")
    live_state, live_ats = query(live, STATE), query(live, ATS)
    # S wants 2: after P shipped 2 and R's unit came back, on hand 3, Q holds 1 → 2 available → reserved.
    assert live_state == [("P", "A", "Suzhou", 2, "released"), ("Q", "A", "Suzhou", 1, "allocated"),
                          ("R", "A", "Suzhou", 1, "released"), ("S", "A", "Suzhou", 2, "reserved")]
    assert [r[2:] for r in live_ats] == [(3, 2, 1, 0, 0)]
    cols = ("event_id", "order_id", "channel", "sku", "warehouse", "qty", "kind", "reason", "occurred_at",
            "recorded_at", "pass_id")
    rows = [dict(zip(cols, e, strict=True)) for e in reversed(events)]
    fresh = Settings(data_dir=tmp_path_factory.mktemp("replay"))
    record_counts(fresh.lake_dir, [{"sku": "A", "warehouse": "Suzhou", "on_hand": 5, "safety_stock": 0,
                                    "snapshot_at": at(8)}], source="test")
    for row in rows:  # one file per event, newest first
        lake.write(fresh.lake_dir, "reservation_events", [row])
    assert query(fresh, STATE) == live_state and query(fresh, ATS) == live_ats
    assert fold([(r["order_id"], r["sku"], r["warehouse"], r["qty"], r["kind"], r["occurred_at"])
                 for r in rows]) == live_state


def test_the_reservations_job_catches_up_after_downtime(data_dir):
    """lazada reserves on placing (30 min); X placed 09:00 and never paid. `serve` starts long after: the job
    is due (never ran), and running it releases X as expired at 09:30."""
    s = setup(data_dir, {("A", "Suzhou"): 5})
    (s.data_dir / "config").mkdir(exist_ok=True)
    (s.data_dir / "config" / "inventory.toml").write_text(
        'unpaid_expiry_minutes = 30\n[channels.lazada]\nreserve_on = "placed"\n', encoding="utf-8")
    order(s.lake_dir, "X", "lazada", {"LZ-A": 1}, {"placed": at(9)})
    run_pass(s, ["X"], now=at(9, 1))
    runner = Runner(s)
    jobs = build(s, schedule.Scheduler(), runner)
    assert jobs["reservations"].interval == 5 and missed(jobs["reservations"], runner.last_run("reservations"),
                                                         datetime.now(UTC))
    jobs["reservations"].run()
    assert query(s, "select state, reason, changed_at from reservation_state") == [
        ("released", "expired", at(9, 30))]
    assert runner.last_run("reservations") is not None
