"""Two real `ingest serve` processes with overlapping shards, on one lake: each order is written once.

Each process has its own data folder (state, watermarks: as two machines would) and both share the lake
(ORDERHUB_LAKE). Shard 1/1 covers every channel and shard 1/2 part of them, so without the leases in the
lake both would pull the shared channels at once, each from an empty watermark, and write their orders twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.shards import Shard
from models import lease
from models.db import connect, retry_vanished
from models.settings import Settings
from sim.sandbox.market import Clock
from sim.sandbox.server import Sandbox
from tests.ingest.test_crash import PLATFORMS, write_channels

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 30
pytestmark = pytest.mark.timeout(900)


def serve(data_dir: Path, lake_dir: Path, shard: str) -> subprocess.Popen:
    env = {**os.environ, "ORDERHUB_DATA": str(data_dir), "ORDERHUB_LAKE": str(lake_dir), "PYTHONPATH": str(ROOT)}
    log = open(data_dir / "serve.log", "wb")  # noqa: SIM115  # kept open for the process; read on failure
    return subprocess.Popen([sys.executable, "-m", "ingest", "serve", "--shard", shard], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


NOTABLE = (" WARNING ", " ERROR ", "ingest.pipeline", "Traceback")


def logs(tmp_path: Path) -> str:
    """Each serve process's pull results, warnings and errors, then the end of its log: why a pull failed or
    never landed, when one did (the end alone is the last minutes' housekeeping)."""
    out = []
    for name in ("a", "b"):
        path = tmp_path / name / "serve.log"
        if path.exists():
            text = path.read_text("utf-8", "replace")
            notable = [line for line in text.splitlines() if any(mark in line for mark in NOTABLE)]
            out.append(f"--- {name}: pulls, warnings, errors\n" + "\n".join(notable[-60:])
                       + f"\n--- {name}: the end\n" + text[-3000:])
    return "\n".join(out)


def pulled(settings: Settings) -> dict[str, int]:
    """New orders written per channel, summed over every pull any process made (channel_runs); listed again
    when compaction (the one-place job) removed a file meanwhile."""
    def count() -> dict[str, int]:
        db = connect(settings)
        try:
            return dict(db.sql("select channel, sum(new)::int from channel_runs group by channel").fetchall())
        finally:
            db.close()
    return retry_vanished(count)


def orders_in_lake(settings: Settings) -> int:
    db = connect(settings)
    try:
        return db.sql("select count(*) from orders").fetchone()[0]
    finally:
        db.close()


def test_overlapping_shards_write_each_order_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shared = [p for p in PLATFORMS if Shard(1, 2).includes(p)]
    assert shared and len(shared) < len(PLATFORMS)  # the shards overlap on some channels, not all
    lake_dir = tmp_path / "shared-lake"
    monkeypatch.setenv("ORDERHUB_LAKE", str(lake_dir))
    settings = Settings(data_dir=tmp_path / "reader")
    sb = Sandbox(clock=Clock(datetime.now(UTC).replace(microsecond=0)), orders_per_platform=ORDERS).start()
    procs = []
    try:
        for name in ("a", "b"):
            write_channels(tmp_path / name, sb.url)
        procs = [serve(tmp_path / "a", lake_dir, "1/1"), serve(tmp_path / "b", lake_dir, "1/2")]
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and sum(pulled(settings).values()) < len(PLATFORMS) * ORDERS:
            assert all(p.poll() is None for p in procs), "a serve process died"
            time.sleep(1)
        time.sleep(3)  # a second puller, if any, would land now
        news = pulled(settings)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
        sb.stop()
    # each channel's orders were written as new once, by one pull: a second puller from its own empty
    # watermark would have found them not yet in the lake and written them again
    assert news == dict.fromkeys(PLATFORMS, ORDERS), logs(tmp_path)
    assert orders_in_lake(settings) == len(PLATFORMS) * ORDERS
    owners = {p: lease.holder(lake_dir, f"pull:{p}")[1].get("owner") for p in PLATFORMS}
    assert all(owners.values())  # every channel was pulled under a lease, by one of the two processes
    assert len(set(owners.values())) in (1, 2), owners
