"""SIGKILL `python -m ingest run` at points the test observes (the n-th lake file a run writes,
tests/faults/kill.py) while the sandbox misbehaves (429 with Retry-After, 503, duplicated pages), then run
it to the end: the lake holds exactly what a clean run leaves.

Helpers (channels config, state snapshot, subprocess) are the transport engineer's, from
tests/ingest/test_crash.py; this adds the faults and more kills.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.pipeline import run_all
from models.settings import Settings
from sim.sandbox.market import PLATFORMS, Clock
from sim.sandbox.server import Sandbox
from tests.faults.kill import kill_when_files
from tests.ingest.test_crash import ingest_run, state, write_channels

ORDERS = 100  # 4 pages of 25 a platform, flushed at 50 and 100 (tests/ingest/test_crash.py's channels config)
# New lake files since each killed run started. A flush writes raw, order_lines, order_events, then orders, and
# its routing then rule_hits and exceptions; a channel ends with channel_runs. 1, 2, 3: inside the first flush
# (after raw, after lines, after events: no order row yet); 5: after its orders, around the routing writes;
# 7: inside the second flush; 12: past a channel's last flush (routing, channel_runs, the next channel).
KILL_AT = (1, 2, 3, 5, 7, 12)


def misbehave(sb: Sandbox, rng: random.Random) -> None:
    """For every platform: one 429 (Retry-After 0.05 s) and one 503 a few requests in, every page doubled."""
    sb.faults.clear()
    for p in PLATFORMS:
        sb.faults.add(p, "429", times=1, after=rng.randint(0, 3), retry_after=0.05)
        sb.faults.add(p, "503", times=1, after=rng.randint(2, 4))
        sb.faults.add(p, "duplicate_pages")


def fired(sb: Sandbox) -> set[str]:
    """The one-off faults (429, 503) the sandbox served to some platform: used up, they leave its listing."""
    listing = sb.faults.listing()
    return {kind for p in PLATFORMS for kind in ("429", "503")
            if kind not in {f["kind"] for f in listing.get(p, [])}}


@pytest.mark.slow
def test_sigkill_under_faults_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    sb = Sandbox(clock=Clock(datetime.now(UTC).replace(microsecond=0)), orders_per_platform=ORDERS).start()
    try:
        clean, crashed = Settings(data_dir=tmp_path / "clean"), Settings(data_dir=tmp_path / "crashed")
        for s in (clean, crashed):
            write_channels(s.data_dir, sb.url)
        assert all(r.outcome == "ok" for r in run_all(clean))  # no faults: the reference
        expected = state(clean)

        rng, kills, served = random.Random(20260322), [], set()
        for k in KILL_AT:
            misbehave(sb, rng)
            kills.append(kill_when_files(crashed.lake_dir, ("run",), k))
            served |= fired(sb)
        assert all(kills), f"a run finished before its kill point ({kills}): raise orders per platform"
        assert {"429", "503"} <= served, served  # the killed runs did meet the faults, not only the kills
        sb.faults.clear()
        for p in PLATFORMS:
            sb.faults.add(p, "duplicate_pages")  # still doubled pages on the run that finishes
        final = ingest_run(crashed.data_dir)
        _, err = final.communicate(timeout=120)
        assert final.returncode == 0, err.decode()[-2000:]
        got = state(crashed)
        assert len(got["orders"]) == len(expected["orders"]) == len(PLATFORMS) * ORDERS
        assert got == expected
    finally:
        sb.stop()
