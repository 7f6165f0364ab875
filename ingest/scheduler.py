"""`python -m ingest run [--channel C]` pulls once; `python -m ingest serve` keeps pulling on a schedule.

    from ingest.scheduler import register_job
    register_job("release_reservations", lambda s: s.every(5).minutes, release_expired)

`schedule` forgets everything on restart, skips missed runs and lets one exception stop its loop. This
module makes up for all three: every job is wrapped so a failure is logged and the loop goes on; each
successful run's time is kept in `<data>/state/jobs.json`, so on start a job whose last run is older
than its previous due time runs at once (catch-up); and SIGTERM stops the loop between jobs. Jobs must
be idempotent (a pull re-reads its overlap window; the weekly e-mail is keyed by ISO week), because a
catch-up may repeat one.

When not to use this: more than one machine, or jobs longer than the shortest interval. Then use cron
or a real orchestrator; the jobs themselves stay the same.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import schedule

from ingest.config import load_channels
from ingest.shards import SINGLETONS, Shard, leased, owner_id
from ingest.state import read_json, state_dir, update_json
from models.settings import Settings, load_settings

log = logging.getLogger(__name__)
ScheduleFn = Callable[[schedule.Scheduler], schedule.Job]


@dataclass
class JobSpec:
    name: str
    when: ScheduleFn
    job: Callable[[], Any]


_REGISTRY: dict[str, JobSpec] = {}


def register_job(name: str, schedule_fn: ScheduleFn, job: Callable[[], Any]) -> None:
    """Add a job to every `serve`: `schedule_fn(scheduler)` returns an unfinished `schedule.Job`."""
    _REGISTRY[name] = JobSpec(name, schedule_fn, job)


def registered_jobs() -> dict[str, JobSpec]:
    return dict(_REGISTRY)


class Runner:
    """Runs named jobs safely and remembers when each last succeeded."""

    def __init__(self, settings: Settings, now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.path = state_dir(settings.data_dir) / "jobs.json"
        self.now = now

    def last_run(self, name: str) -> datetime | None:
        raw = read_json(self.path).get(name, {}).get("last_success")
        return datetime.fromisoformat(raw) if raw else None

    def run(self, name: str, job: Callable[[], Any]) -> bool:
        """Run one job; log and swallow its failure so the scheduler carries on. True on success."""
        started = self.now()
        try:
            job()
        except Exception:  # a job's failure is its own: log it, keep the loop alive
            log.exception("job %s failed", name)
            self._record(name, {"last_failure": started.isoformat()})
            return False
        self._record(
            name, {"last_success": started.isoformat(), "seconds": (self.now() - started).total_seconds()}
        )
        return True

    def _record(self, name: str, values: dict[str, Any]) -> None:
        update_json(self.path, lambda state: state.setdefault(name, {}).update(values))


def missed(job: schedule.Job, last: datetime | None, now: datetime) -> bool:
    """True when the job's previous due time passed since its last successful run (or it never ran)."""
    if last is None:
        return True
    if job.unit is None or job.next_run is None:
        return False
    period = timedelta(**{job.unit: job.interval})  # unit: seconds … weeks (a weekday job is "weeks")
    if job.at_time is None:  # "every N units": due one period after the last run
        return now - last >= period
    previous_due = job.next_run.astimezone(UTC) - period  # schedule keeps naive local times
    return last < previous_due <= now


def utcnow() -> datetime:
    return datetime.now(UTC)


def build(settings: Settings, scheduler: schedule.Scheduler, runner: Runner,
          now: Callable[[], datetime] = utcnow, shard: Shard | None = None) -> dict[str, schedule.Job]:
    """The schedule: each channel's pull, the event feeds, the rules, the mart refresh, nightly compaction
    and every registered job. Listed in the order a catch-up runs them: what the pulls and feeds bring is
    in before the rules judge the open orders. `now` is the clock the pulls, feeds and rules go by (a test
    gives a sandbox's).

    With a `shard`, only its channels are pulled, each under its lease, and every other job runs under the
    one lease of the jobs that run in one place (ingest/shards.py)."""
    from ingest.maintenance import compact_all
    from ingest.pipeline import run_channel
    from ingest.settlement_pull import PULLS, pull_settlements
    from ingest.settlements import reconcile
    from models import facts_mart
    from models.db import retry_vanished
    from models.inventory.reserve import run_pass
    from models.rules.apply import route_open_orders
    from reports import alerts, subscriptions, weekly

    tz = settings.timezone
    channels = load_channels(settings)
    pulls = [JobSpec(f"pull:{cfg.key}", lambda s, m=cfg.interval_minutes: s.every(m).minutes,
                     lambda c=cfg: run_channel(c, settings, now=now))
             for cfg in channels if cfg.enabled and (shard is None or shard.includes(cfg.channel))]
    specs = [JobSpec("compact", lambda s: s.every().day.at("03:30", tz), compact_all)]
    specs += [JobSpec(f"settlements:{cfg.key}", lambda s: s.every(60).minutes,
                      lambda c=cfg: pull_settlements(c, settings))
              for cfg in channels if cfg.enabled and cfg.channel in PULLS]
    specs += event_jobs(settings, now)
    specs += stock_jobs(settings)
    specs += [
        JobSpec("rules", lambda s: s.every(10).minutes, lambda: route_open_orders(settings.lake_dir, now=now())),
        # Brings the order_facts mart up to date with what the pulls wrote (a no-op when nothing landed), so
        # the console finds it fresh instead of paying the refresh on a person's click.
        JobSpec("marts", lambda s: s.every(1).minutes, lambda: retry_vanished(lambda: facts_mart.refresh(settings))),
        # Moves reservations on (picked, shipped, cancelled, unpaid past expiry: each dated when it happened,
        # so a run after downtime writes what punctual runs would have) and reserves any order still waiting.
        JobSpec("reservations", lambda s: s.every(5).minutes, lambda: run_pass(settings)),
        JobSpec("alerts", lambda s: s.every(5).minutes, alerts.check_and_deliver),
        JobSpec("weekly_snapshot", lambda s: s.every().monday.at("09:00", tz), weekly.scheduled_job),
        JobSpec("reconcile", lambda s: s.every(60).minutes, lambda: reconcile(settings)),
        # Each subscription's last complete day or week, once (keyed by period): hourly is soon enough.
        JobSpec("subscriptions", lambda s: s.every().hour.at(":05"), lambda: subscriptions.send_due(settings)),
    ]
    if any(c.writeback and c.enabled for c in channels):
        from ingest.writeback.run import confirm_shipments

        specs.append(JobSpec("writeback", lambda s: s.every(5).minutes, lambda: confirm_shipments(settings)))
    if any(c.stock_push and c.enabled for c in channels):
        from ingest.stockpush.run import push_stock

        # Sends only quantities that changed since the last push, so a minute's cadence costs nothing when
        # stock and reservations stand still.
        specs.append(JobSpec("stock_push", lambda s: s.every(1).minutes, lambda: push_stock(settings)))
    specs.extend(_REGISTRY.values())
    if shard is not None:
        specs, pulls = _leased(settings, specs, pulls)
    jobs = {}
    for spec in pulls + specs:
        jobs[spec.name] = spec.when(scheduler).do(runner.run, spec.name, spec.job)
    return jobs


def _leased(settings: Settings, specs: list[JobSpec], pulls: list[JobSpec]) -> tuple[list[JobSpec], list[JobSpec]]:
    """Pulls under their channel's lease (held for 3 intervals, renewed at each pull); the rest under one."""
    owner = owner_id()
    one_place = [JobSpec(s.name, s.when, leased(settings, SINGLETONS, owner, 600, s.job)) for s in specs]
    own = []
    for s in pulls:
        channel = s.name.removeprefix("pull:").split("/")[0]
        minutes = s.when(schedule.Scheduler()).interval
        own.append(JobSpec(s.name, s.when, leased(settings, f"pull:{channel}", owner, 3 * 60 * minutes, s.job)))
    return one_place, own


def event_jobs(settings: Settings, now: Callable[[], datetime] = utcnow) -> list[JobSpec]:
    """Warehouse and carrier intake (ingest/events): each pullable source's feed, and the unmatched inbox."""
    from ingest.events.inbox import retry_inbox
    from ingest.events.pull import pull
    from ingest.events.sources import load_sources

    sources = [s for s in load_sources(settings).values() if s.enabled]
    specs = [JobSpec(f"events:{s.name}", lambda sch, m=s.interval_minutes: sch.every(m).minutes,
                     lambda src=s: pull(settings, src, now=now)) for s in sources if s.base_url]
    if sources:
        specs.append(JobSpec("events_inbox", lambda sch: sch.every(2).minutes, lambda: retry_inbox(settings, now())))
    return specs


def stock_jobs(settings: Settings) -> list[JobSpec]:
    """Each enabled warehouse stock feed (ingest/stock/feed.py)."""
    from ingest.stock.feed import load_feeds, pull_stock

    return [JobSpec(f"stock:{f.name}", lambda sch, m=f.interval_minutes: sch.every(m).minutes,
                    lambda feed=f: pull_stock(settings, feed)) for f in load_feeds(settings) if f.enabled]


def start_receiver(settings: Settings) -> Any:
    """The webhook receiver on its own port, when any event source is configured; None otherwise."""
    from ingest.events.receiver import Receiver
    from ingest.events.sources import load_sources

    if not any(s.enabled for s in load_sources(settings).values()):
        return None
    try:
        return Receiver(settings).start()
    except OSError as exc:  # the port is taken: pulls and every other job still run
        log.error("webhook receiver not started on %s:%s: %s", settings.webhook_bind, settings.webhook_port, exc)
        return None


def serve(settings: Settings, stop: threading.Event, *, tick_s: float = 1.0, shard: Shard | None = None) -> None:
    """Start the webhook receiver, catch up on missed jobs, then run the schedule until `stop` is set."""
    receiver = start_receiver(settings)
    try:
        _serve(settings, stop, tick_s, shard)
    finally:
        if receiver is not None:
            receiver.stop()


def _serve(settings: Settings, stop: threading.Event, tick_s: float, shard: Shard | None = None) -> None:
    scheduler, runner = schedule.Scheduler(), Runner(settings)
    jobs = build(settings, scheduler, runner, shard=shard)
    now = datetime.now(UTC)
    for name, job in jobs.items():
        if not stop.is_set() and missed(job, runner.last_run(name), now):
            log.info("catching up on %s (last success: %s)", name, runner.last_run(name) or "never")
            job.run()
    log.info("scheduler running %d job(s): %s", len(jobs), ", ".join(jobs))
    while not stop.is_set():
        scheduler.run_pending()
        stop.wait(min(tick_s, max(0.0, scheduler.idle_seconds or tick_s)))
    log.info("scheduler stopped")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m ingest {argv[0]}", description=__doc__.split("\n")[0])
    parser.add_argument("--channel", help="only this channel (run)")
    parser.add_argument("--shop", help="only this shop of the channel (run)")
    parser.add_argument("--shard", type=_shard, help="serve: pull only this share I/N of the channels, under "
                                                     "leases in the lake (docs/scale.md)")
    args = parser.parse_args(argv[1:])
    settings = load_settings()
    if argv[0] == "run":
        from ingest.pipeline import run_all

        results = run_all(settings, channel=args.channel, shop_id=args.shop)
        for r in results:
            print(
                f"{r.channel}/{r.shop_id}: {r.outcome} fetched={r.fetched} new={r.new} updated={r.updated} "
                f"quarantined={r.quarantined} rejected={r.rejected}"
                + (f" error={r.error}" if r.error else "")
            )
        return 0 if all(r.outcome in ("ok", "skipped_paused", "skipped_busy") for r in results) else 1
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    serve(settings, stop, shard=args.shard)
    return 0


def _shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
