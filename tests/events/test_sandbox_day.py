"""Eighteen simulated hours of `make run`: the sandbox, the receiver and the scheduler's jobs on the sandbox's clock.

Every six simulated hours the sandbox pushes what became visible (signed webhooks to the real receiver),
then every job `ingest.scheduler.build` made that runs at least that often (the five platform pulls, both
event pulls with a 503 and a 429 injected, the inbox, the rules, the mart refresh) runs once, all on the
sandbox's clock. A planted late order waits at least eight hours for stock, so its breach is open for at
least six hours and a round sees it. The checks are worked out from the sandbox's truth and its planted
rates. (tests/events/test_sandbox_history.py starts the sandbox on a demo lake instead.)
"""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta

import pytest
import schedule

from ingest.platforms import PLATFORMS
from ingest.scheduler import Runner, build
from models.settings import Settings
from sim.sandbox.market import HANDOVER_MIN, LATE_HOLD_H, LATE_RATE
from sim.sandbox.server import Sandbox
from tests.events.sandbox_rounds import FREQUENT, query, run_round, start

ROUND_H, ROUNDS = 6, 3  # a start and three rounds: a fourth (a full day) checked nothing new


@pytest.fixture
def day(data_dir):
    settings = Settings(data_dir=data_dir, webhook_port=0)
    sandbox, receiver, pusher = start(settings, datetime(2026, 3, 2, 1, 0, tzinfo=UTC), orders_per_platform=40,
                                      days=1.5, future_days=1.5)
    yield sandbox, settings, receiver, pusher
    receiver.stop()
    sandbox.stop()


def _truly_late(sandbox: Sandbox) -> set[str]:
    """Sandbox orders (platform id@platform) whose true warehouse steps left a gap over two hours."""
    out = set()
    for platform, tls in sandbox.market.timelines.items():
        for tl in tls:
            key = f"{tl.order.platform_order_id}@{platform}"
            steps = [at for kind, step, at in sandbox.fulfil.truth.get(key, []) if kind == "wms"]
            times = [tl.order.paid, *steps] if tl.order.paid and steps else []
            if any(b - a > timedelta(hours=2) for a, b in itertools.pairwise(times)):
                out.add(key)
    return out


def _bound(sandbox: Sandbox, now: datetime) -> int:
    """Open breaches the planted late rate explains at `now`: a late order is held at most LATE_HOLD_H plus
    the usual hand-over, so only orders paid that long ago can still be waiting; of those, LATE_RATE are
    late (binomial: the mean plus three standard deviations)."""
    window = timedelta(hours=LATE_HOLD_H[1], minutes=HANDOVER_MIN[1])
    n = sum(1 for tls in sandbox.market.timelines.values() for tl in tls
            if tl.order.paid is not None and now - window <= tl.order.paid <= now)
    return math.ceil(LATE_RATE * n + 3 * math.sqrt(n * LATE_RATE * (1 - LATE_RATE)))


@pytest.mark.timeout(900)  # ~1,000 platform, warehouse and carrier events through 10 jobs, 4 times
def test_a_simulated_day_moves_orders_to_delivered_and_the_queue_holds_only_late_orders(day):
    sandbox, settings, receiver, pusher = day
    start = sandbox.clock.now()
    sandbox.faults.add("wms", "503", times=1)
    sandbox.faults.add("carrier", "429", times=1, retry_after=0.01)
    runner = Runner(settings)
    jobs = build(settings, schedule.Scheduler(), runner, now=sandbox.clock.now)
    assert len([n for n in jobs if n.startswith(FREQUENT)]) == len(PLATFORMS) + 5  # 2 feeds, inbox, rules, marts
    peaks = []
    for i in range(ROUNDS + 1):
        if i:
            sandbox.clock.advance(ROUND_H * 3600)
        run_round(sandbox, receiver, pusher, runner, jobs)
        open_now = query(settings, "select count(*) from exceptions where type = 'sla_breach' "
                                   "and status in ('open', 'in_progress')")[0][0]
        peaks.append((open_now, _bound(sandbox, sandbox.clock.now())))
    assert all(n <= bound for n, bound in peaks), peaks  # (b) bounded by the planted late rate, every round

    now = sandbox.clock.now()
    keys = dict(query(settings, "select order_id, platform_order_id || '@' || channel from orders"))
    delivered = {keys[r[0]] for r in query(settings, "select distinct order_id from lake_order_events "
                                                     "where source = 'carrier' and event = 'delivered'")}
    due = {f"{e.order.platform_order_id}@{e.platform}" for e in sandbox.fulfil.events["carrier"]
           if e.step == "delivered" and e.visible_at <= now}
    assert due and delivered == due  # (a) every parcel the carrier delivered, and only those

    breached = {keys[r[0]] for r in query(settings, "select distinct order_id from exceptions "
                                                    "where type = 'sla_breach'")}
    late = _truly_late(sandbox)
    assert breached <= late, sorted(breached - late)  # (c) each breach: an order that really was late
    paid = sum(1 for tls in sandbox.market.timelines.values() for tl in tls
               if tl.order.paid and start <= tl.order.paid <= now - timedelta(hours=LATE_HOLD_H[0]))
    least = math.floor(LATE_RATE * paid - 3 * math.sqrt(paid * LATE_RATE * (1 - LATE_RATE)))
    assert len(breached) >= max(3, least), (len(breached), least)
