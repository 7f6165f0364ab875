"""Crash safety: SIGKILL `python -m ingest run` at random points, run it again, and the lake must hold
exactly what one clean run leaves (same current orders, lines, events, exceptions)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.pipeline import run_all
from ingest.platforms import PLATFORMS as DECLARED
from models.db import connect
from models.settings import Settings
from sim.sandbox.market import PLATFORMS, SHOP_IDS, Clock
from sim.sandbox.server import Sandbox

ROOT = Path(__file__).resolve().parents[2]
QUERIES = {
    "orders": "select order_id, status, updated_at, total_cents, tracking_no from orders",
    "order_lines": "select order_id, line_no, sku, qty from order_lines",
    "order_events": "select event_id from order_events",
    # what ingest raised; the rules' exceptions depend on the clock (SLA) and are re-evaluated by the
    # periodic rules job, so a crashed and a clean run may legitimately differ there
    "exceptions": "select exception_id, type from exceptions where source = 'ingest'",
}


def write_channels(data_dir: Path, url: str) -> None:
    lines = [
        "[defaults]",
        "rate_per_s = 1000",
        "page_size = 25",
        "flush_every = 50",
        "max_retries = 1",
        "backoff_base_s = 0.01",
        "",
    ]
    for p in PLATFORMS:
        base = url + DECLARED[p].sandbox.api_root
        lines += [
            "[[channel]]",
            f'channel = "{p}"',
            f'shop_id = "{SHOP_IDS[p]}"',
            f'base_url = "{base}"',
            "sandbox = true",
            "",
        ]
    (data_dir / "config").mkdir(parents=True, exist_ok=True)
    (data_dir / "config" / "channels.toml").write_text("\n".join(lines), encoding="utf-8")


def state(settings: Settings) -> dict[str, set]:
    con = connect(settings)
    try:
        return {name: set(con.sql(q).fetchall()) for name, q in QUERIES.items()}
    finally:
        con.close()


def ingest_run(data_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "ORDERHUB_DATA": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    sb = Sandbox(clock=Clock(datetime.now(UTC).replace(microsecond=0)), orders_per_platform=200).start()
    try:
        clean, crashed = Settings(data_dir=tmp_path / "clean"), Settings(data_dir=tmp_path / "crashed")
        for s in (clean, crashed):
            write_channels(s.data_dir, sb.url)
        assert all(r.outcome == "ok" for r in run_all(clean))
        expected = state(clean)
        assert len(expected["orders"]) == len(PLATFORMS) * 200  # every order of every platform

        rng, kills = random.Random(20260301), 0
        for _ in range(4):
            proc = ingest_run(crashed.data_dir)
            time.sleep(rng.uniform(0.8, 2.5))  # from mid-import to mid-run
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
        assert kills >= 2, "the runs finished before they could be killed: raise the orders per platform"
        final = ingest_run(crashed.data_dir)
        _, err = final.communicate(timeout=90)
        assert final.returncode == 0, err.decode()[-2000:]
        assert state(crashed) == expected
    finally:
        sb.stop()
