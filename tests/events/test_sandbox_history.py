"""`make run` on a fresh demo lake: the history ends at local midnight, the sandbox starts at 09:00 and carries
on the history's open orders (its feeds move them on) instead of leaving them waiting for good. Split from
tests/events/test_sandbox_day.py so the two long journeys can run on different CI workers.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import schedule

from ingest.scheduler import Runner, build
from models.settings import Settings
from sim.demo import generate
from tests.events.sandbox_rounds import query, run_round, start

ZONE = ZoneInfo("Asia/Shanghai")
OPEN = ("to_review", "to_ship", "allocated", "picked", "packed")


@pytest.mark.timeout(600)
def test_the_demo_historys_open_orders_are_carried_on_by_the_sandbox(data_dir):
    """`make run` on a fresh demo lake: the history ends at local midnight; the sandbox starts at 09:00."""
    settings = Settings(data_dir=data_dir, webhook_port=0)
    end = datetime(2026, 3, 1).date()
    generate(settings.lake_dir, days=2, orders_per_day=60, end=end)
    waiting = {r[0] for r in query(settings, f"select order_id from order_lifecycle where stage in {OPEN}")}
    on_the_road = {r[0] for r in query(settings, "select order_id from order_lifecycle where stage = 'shipped'")}
    assert waiting and on_the_road
    at = datetime.combine(end + timedelta(days=1), time(9), ZONE).astimezone(UTC)
    sandbox, receiver, pusher = start(settings, at, orders_per_platform=1, days=0.1, lake_dir=settings.lake_dir)
    try:
        runner = Runner(settings)
        jobs = build(settings, schedule.Scheduler(), runner, now=sandbox.clock.now)
        run_round(sandbox, receiver, pusher, runner, jobs)
        sandbox.clock.advance(3 * 86400)
        run_round(sandbox, receiver, pusher, runner, jobs)
    finally:
        receiver.stop()
        sandbox.stop()
    stages = dict(query(settings, "select order_id, stage from order_lifecycle"))
    assert {stages[o] for o in waiting | on_the_road} == {"delivered"}  # every one, through the real feeds
    breaches = query(settings, "select count(*) from exceptions where type = 'sla_breach' and status in "
                               f"('open', 'in_progress') and detected_at >= '{at.isoformat()}'")[0][0]
    assert breaches == 0  # the catch-up's rules ran after the feeds: nothing was flagged for a moved order
