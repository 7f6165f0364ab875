"""The console's queries keep answering while ingest writes and compaction runs beside them.

A thread writes small batches, a separate process compacts every second or so, and a loop runs the
Overview's KPI queries through ui/data.py (a fresh connection per lake version) for the whole time: no
query may fail, and the order count it sees never goes down (rows only ever arrive).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from models.kpis import Scope
from models.settings import Settings
from tests.browser.server import ROOT
from tests.browser.test_concurrent import ingest_writing
from tests.faults.test_kill_compact_import import many_small_files
from ui import analytics, data

SCOPE = Scope(date(2026, 3, 2), date(2026, 3, 8))
SECONDS, ROUNDS, LIMIT_S = 20, 2, 180  # at least 20 s and two rounds of queries (a loaded machine is slow)


def overview_queries() -> int:
    """What the Overview asks, through the console's cached readers (a new lake version on every round)."""
    now = data.summary(SCOPE)
    data.summary(SCOPE.previous())
    for name in ("daily_orders", "daily_lead_time", "exceptions_by_type"):
        analytics.frame(name, SCOPE)
    data.stage_durations(SCOPE)
    data.dimensions()
    return int(now["orders"])


def compacting(data_dir: Path, stop: threading.Event, runs: list[int]) -> None:
    while not stop.is_set():
        proc = subprocess.run([sys.executable, "-m", "ingest", "compact"], cwd=ROOT, capture_output=True,
                              env={"ORDERHUB_DATA": str(data_dir), "PATH": "/usr/bin:/bin"}, timeout=60)
        assert proc.returncode == 0, proc.stderr[-2000:]
        runs.append(1)
        stop.wait(1.0)


def test_queries_answer_while_writing_and_compacting(data_dir: Path):
    settings = Settings(data_dir=data_dir)
    many_small_files(settings, n=60)
    stop, runs, failures, counts = threading.Event(), [], [], []
    compactor = threading.Thread(target=compacting, args=(data_dir, stop, runs), daemon=True)
    with ingest_writing(data_dir, every_s=0.25) as written:
        compactor.start()
        start = time.monotonic()
        while (time.monotonic() - start < SECONDS or len(counts) < ROUNDS) and time.monotonic() - start < LIMIT_S:
            try:
                counts.append(overview_queries())
            except Exception as exc:  # every failure is collected and reported, not just the first
                failures.append(f"{type(exc).__name__}: {exc}"[:300])
        stop.set()
        compactor.join(timeout=60)
    assert not failures, f"{len(failures)} of {len(failures) + len(counts)} query rounds failed: {failures[:3]}"
    assert len(runs) >= 3 and written[0] >= 20 and len(counts) >= ROUNDS, (len(runs), written[0], len(counts))
    assert counts == sorted(counts), "the order count went down while rows were only added"
