"""Two real `ingest serve` processes with overlapping shards, on one lake: each order is written once.

Each process has its own data folder (state, watermarks: as two machines would) and both share the lake
(ORDERHUB_LAKE). Shard 1/1 covers every channel and shard 1/2 part of them, so without the leases in the
lake both would pull the shared channels at once, each from an empty watermark, and write their orders twice.
"""

from __future__ import annotations

import json
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
    return subprocess.Popen([sys.executable, "-m", "ingest", "serve", "--shard", shard], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def lake_orders(settings: Settings) -> list[tuple[str, int]]:
    """Writes per order in the lake; listed again when compaction (the singleton job) removed
    a file meanwhile."""
    def count() -> list[tuple[str, int]]:
        db = connect(settings)
        try:
            # batches that wrote each order: compaction's merged file and the files it merges may briefly
            # coexist (exact copies, same batch); a second puller would be a second batch
            return db.sql("select order_id, count(distinct batch_id) from lake_orders group by order_id").fetchall()
        finally:
            db.close()
    return retry_vanished(count, attempts=20)


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
        while time.monotonic() < deadline and len(rows := lake_orders(settings)) < len(PLATFORMS) * ORDERS:
            assert all(p.poll() is None for p in procs), "a serve process died"
            time.sleep(1)
        time.sleep(3)  # a second writer, if any, would land now
        rows = lake_orders(settings)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
        sb.stop()
    assert len(rows) == len(PLATFORMS) * ORDERS  # every order of every platform (the frozen clock: one version)
    assert [r for r in rows if r[1] != 1] == []  # and each written once
    owners = {p: lease.holder(lake_dir, f"pull:{p}")[1].get("owner") for p in PLATFORMS}
    assert all(owners.values())  # every channel was pulled under a lease
    holders = {json.dumps(sorted(set(owners.values())))}
    assert len(set(owners.values())) in (1, 2), holders
