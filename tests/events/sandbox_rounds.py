"""`make run` in a test: the sandbox, the real receiver and the scheduler's own jobs, run round by round on the
sandbox's clock. Shared by tests/events/test_sandbox_day.py and test_sandbox_history.py (two files, so the
two long journeys can run on different CI workers)."""

from __future__ import annotations

from datetime import datetime

from ingest.events.receiver import Receiver
from ingest.platforms import PLATFORMS
from ingest.scheduler import Runner
from models.db import connect
from models.settings import Settings
from sim.sandbox.fulfil import Pusher
from sim.sandbox.market import SHOP_IDS, Clock
from sim.sandbox.server import Sandbox

FREQUENT = ("pull:", "events", "rules", "marts")  # the jobs due at least once a round


def _config(settings: Settings, url: str) -> None:
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    channels = "".join(f'[[channel]]\nchannel = "{p}"\nshop_id = "{SHOP_IDS[p]}"\nbase_url = "{url}'
                       f'{PLATFORMS[p].sandbox.api_root}"\nsandbox = true\nbackoff_base_s = 0.01\n\n'
                       for p in PLATFORMS)
    (settings.config_dir / "channels.toml").write_text(channels, encoding="utf-8")
    sources = "".join(f'[[source]]\nname = "{k}"\nkind = "{k}"\nbase_url = "{url}{root}"\nsandbox = true\n\n'
                      for k, root in (("wms", "/wms/v1"), ("carrier", "/track/v1")))
    (settings.config_dir / "event_sources.toml").write_text(sources, encoding="utf-8")


def start(settings: Settings, at: datetime, **market) -> tuple[Sandbox, Receiver, Pusher]:
    """The sandbox (its clock at `at`), the channels and event sources configured on it, and the receiver."""
    sandbox = Sandbox(clock=Clock(at), **market).start()
    _config(settings, sandbox.url)
    receiver = Receiver(settings, port=0, flush_s=3600, now=sandbox.clock.now).start()
    return sandbox, receiver, Pusher(sandbox.fulfil, receiver.url)


def run_round(sandbox: Sandbox, receiver: Receiver, pusher: Pusher, runner: Runner, jobs: dict) -> None:
    """What `ingest serve` does in a round: the pushed events land, then each due job runs once."""
    pusher.push_once()
    receiver.flush()
    for name in [n for n in jobs if n.startswith(FREQUENT)]:
        assert runner.run(name, jobs[name].job_func), name


def query(settings: Settings, sql: str) -> list[tuple]:
    db = connect(settings)
    try:
        return db.con.execute(sql).fetchall()
    finally:
        db.close()
