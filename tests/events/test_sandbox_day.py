"""The sandbox's warehouse and carrier, the scheduler's jobs and the receiver together for a simulated day.

The sandbox's clock moves four hours per round; each round the sandbox pushes what became visible (signed
webhooks to the real receiver), and the scheduler's jobs run once: the five platform pulls and the rules
on the sandbox's clock, both event pulls (with a 503 and a 429 injected) and the inbox as scheduled. The
checks are counted independently from the sandbox's own truth.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ingest.config import load_channels
from ingest.events.receiver import Receiver
from ingest.pipeline import run_channel
from ingest.platforms import PLATFORMS
from ingest.scheduler import Runner, build
from models.db import connect
from models.rules.apply import route_open_orders
from models.settings import Settings
from sim.sandbox.fulfil import Pusher
from sim.sandbox.market import SHOP_IDS, Clock
from sim.sandbox.server import Sandbox

ROUND_H, ROUNDS = 4, 6
ZONE = ZoneInfo("Asia/Shanghai")
PICKING = ("to_ship", "allocated", "picked", "packed")


def _config(settings: Settings, url: str) -> None:
    settings.config_dir.mkdir(parents=True)
    channels = "".join(f'[[channel]]\nchannel = "{p}"\nshop_id = "{SHOP_IDS[p]}"\nbase_url = "{url}'
                       f'{PLATFORMS[p].sandbox.api_root}"\nsandbox = true\nbackoff_base_s = 0.01\n\n'
                       for p in PLATFORMS)
    (settings.config_dir / "channels.toml").write_text(channels, encoding="utf-8")
    sources = "".join(f'[[source]]\nname = "{k}"\nkind = "{k}"\nbase_url = "{url}{root}"\nsandbox = true\n\n'
                      for k, root in (("wms", "/wms/v1"), ("carrier", "/track/v1")))
    (settings.config_dir / "event_sources.toml").write_text(sources, encoding="utf-8")


@pytest.fixture
def day(data_dir):
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    sandbox = Sandbox(clock=Clock(start), orders_per_platform=25, days=3, future_days=1.2).start()
    settings = Settings(data_dir=data_dir, webhook_port=0)
    _config(settings, sandbox.url)
    receiver = Receiver(settings, port=0, flush_s=3600).start()
    yield sandbox, settings, receiver, Pusher(sandbox.fulfil, receiver.url)
    receiver.stop()
    sandbox.stop()


def _round(sandbox: Sandbox, settings: Settings, jobs: dict, runner: Runner, pusher: Pusher,
           receiver: Receiver) -> None:
    pusher.push_once()
    receiver.flush()
    for cfg in load_channels(settings):  # the scheduler's pull job, on the sandbox's clock (not the wall's)
        assert run_channel(cfg, settings, now=sandbox.clock.now).outcome == "ok"
    for name in ("events:wms", "events:carrier", "events_inbox"):
        assert runner.run(name, jobs[name].job_func), name
    route_open_orders(settings.lake_dir, now=sandbox.clock.now())  # the rules job, on the same clock


def _visible(sandbox: Sandbox, now: datetime) -> dict[str, list]:
    """Per order (platform id@platform), the events the sandbox had made visible by `now`."""
    out: dict[str, list] = {}
    for events in sandbox.fulfil.events.values():
        for e in events:
            if e.visible_at <= now:
                out.setdefault(f"{e.order.platform_order_id}@{e.platform}", []).append(e)
    return out


def _explained(sandbox: Sandbox, now: datetime) -> set[str]:
    """Orders an SLA rule may rightly hold open at `now`: not handed over by what is visible, and either
    idle over 2 hours since their latest known step or paid before 16:00 local on an earlier local day."""
    seen = _visible(sandbox, now)
    out = set()
    for platform, tls in sandbox.market.timelines.items():
        for tl in tls:
            o = tl.at(now)
            if o is None or o.paid is None or o.cancelled or o.shipped:
                continue
            key = f"{o.platform_order_id}@{platform}"
            steps = [e for e in seen.get(key, []) if e.kind == "wms"]
            if any(e.step == "shipped" for e in steps):
                continue
            last = max([o.paid, o.created, *(e.occurred_at for e in steps)])
            paid_local = o.paid.astimezone(ZONE)
            same_day = paid_local.hour < 16 and now.astimezone(ZONE).date() > paid_local.date()
            if now - last > timedelta(hours=2) or same_day:
                out.add(key)
    return out


def test_a_simulated_day_moves_orders_through_every_step_and_the_queue_stays_explained(day):
    sandbox, settings, receiver, pusher = day
    sandbox.faults.add("wms", "503", times=1)
    sandbox.faults.add("carrier", "429", times=1, retry_after=0.01)
    runner = Runner(settings)
    import schedule

    jobs = build(settings, schedule.Scheduler(), runner)
    for _ in range(ROUNDS):
        sandbox.clock.advance(ROUND_H * 3600)
        _round(sandbox, settings, jobs, runner, pusher, receiver)
    _round(sandbox, settings, jobs, runner, pusher, receiver)  # the inbox matches what the last pulls brought
    now = sandbox.clock.now()
    visible = {e.sid for evs in _visible(sandbox, now).values() for e in evs}
    db = connect(settings)
    try:
        stored = dict(db.con.execute("select source_event_id, count(*) from lake_order_events "
                                     "where source in ('wms', 'carrier') group by 1").fetchall())
        waiting = db.con.execute("select count(*) from event_inbox where state <> 'matched'").fetchone()[0]
        keys = dict(db.con.execute("select order_id, platform_order_id || '@' || channel from orders").fetchall())
        breaches = {keys[r[0]] for r in db.con.execute(
            "select order_id from exceptions where type = 'sla_breach' and status in ('open', 'in_progress')")
            .fetchall()}
        delivered = db.con.execute("select count(distinct order_id) from lake_order_events "
                                   "where source = 'carrier' and event = 'delivered'").fetchone()[0]
        stages = dict(db.con.execute("select stage, count(*) from order_lifecycle group by 1").fetchall())
    finally:
        db.close()
    assert set(stored) == visible and set(stored.values()) == {1}  # every visible event once, duplicates too
    assert waiting == 0
    explained = _explained(sandbox, now)
    assert breaches <= explained, sorted(breaches - explained)
    assert delivered > 0 and stages.get("delivered", 0) > 0 and stages.get("shipped", 0) > 0
