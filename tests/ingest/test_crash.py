"""Crash safety: SIGKILL `python -m ingest run` at points the test observes (the n-th lake file the run
writes: mid-flush, between flushes, between channels), run it again, and the lake must hold exactly what
one clean run leaves (same current orders, lines, events, exceptions)."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.pipeline import run_all
from ingest.platforms import PLATFORMS as DECLARED
from models.db import connect
from models.settings import Settings
from sim.sandbox.market import PLATFORMS, SHOP_IDS, Clock
from sim.sandbox.server import Sandbox
from tests.faults.kill import cli, kill_when_files

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
    return cli(data_dir, "run")


ORDERS = 80  # 4 pages of 25 a platform, flushed at 50 and at the end: kills land inside and between flushes
KILL_AT = (1, 3, 8, 14)  # new lake files since the killed run started (each run resumes where one stopped)


@pytest.mark.slow
def test_sigkill_at_observed_points_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    sb = Sandbox(clock=Clock(datetime.now(UTC).replace(microsecond=0)), orders_per_platform=ORDERS).start()
    try:
        clean, crashed = Settings(data_dir=tmp_path / "clean"), Settings(data_dir=tmp_path / "crashed")
        for s in (clean, crashed):
            write_channels(s.data_dir, sb.url)
        assert all(r.outcome == "ok" for r in run_all(clean))
        expected = state(clean)
        assert len(expected["orders"]) == len(PLATFORMS) * ORDERS  # every order of every platform

        kills = [kill_when_files(crashed.lake_dir, ("run",), k) for k in KILL_AT]
        assert all(kills), f"a run finished before its kill point ({kills}): raise ORDERS"
        final = ingest_run(crashed.data_dir)
        _, err = final.communicate(timeout=90)
        assert final.returncode == 0, err.decode()[-2000:]
        assert state(crashed) == expected
    finally:
        sb.stop()
