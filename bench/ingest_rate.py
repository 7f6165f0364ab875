"""Ingest throughput: platform-shaped payloads → normalize → lake.write (orders, lines, events).

    python -m bench.ingest_rate LAKE PLATFORM N [WORKERS]

Payloads are rendered by the sandbox (`sim.sandbox.payloads.make_order`) before the clock starts;
the timed part is what a pull does with a page of responses: normalize each, write the batch.
WORKERS > 1 (an experiment, not how a pull runs: a pull is one sequential, rate-limited stream) spreads
normalizing over forked processes that hand back Arrow tables; this process only writes. The pool is
started before the clock, like the payloads.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from bench import peak_mib
from ingest.normalize.registry import normalize
from ingest.platforms.sample import SimLine, SimOrder
from models import lake
from models.schema import TABLES
from sim.sandbox.payloads import make_order

BATCH = 5_000  # orders per lake.write, as a pull of 50 pages of 100 would write


def payloads(platform: str, n: int) -> list[dict]:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        created = t0 + timedelta(seconds=17 * i)
        sim = SimOrder(f"P{i:09d}", "main", "SGD", f"{20 + i % 300}.50", created, stage="shipped",
                       paid=created + timedelta(minutes=5), shipped=created + timedelta(hours=20),
                       receiver_province="Central", lines=[SimLine(f"SKU-{i % 997}", "Item", 1 + i % 3, "9.90")])
        out.append(make_order(platform, sim))
    return out


FETCHED = datetime(2026, 11, 30, tzinfo=UTC)
_DATA: list[dict] = []  # the payloads, inherited by forked workers so only slice bounds travel


def _normalize_slice(job: tuple[str, int, int, str]) -> dict[str, pa.Table]:
    """Worker: normalize payloads [start, stop) and return the rows as Arrow tables of the lake's schema."""
    platform, start, stop, batch_id = job
    rows = [normalize(platform, p, shop_id="main", fetched_at=FETCHED, batch_id=batch_id) for p in _DATA[start:stop]]
    return {
        "orders": lake.conform(TABLES["orders"], [r.order for r in rows]),
        "order_lines": lake.conform(TABLES["order_lines"], [x for r in rows for x in r.lines]),
        "order_events": lake.conform(TABLES["order_events"], [x for r in rows for x in r.events]),
    }


def run_parallel(lake_dir: Path, platform: str, n: int, workers: int) -> dict:
    _DATA[:] = payloads(platform, n)
    jobs = [(platform, s, min(s + BATCH, n), f"b{s}") for s in range(0, n, BATCH)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(abs, range(workers))  # workers up before the clock
        t = time.perf_counter()
        for tables in pool.imap(_normalize_slice, jobs):
            for name, table in tables.items():
                lake.write(lake_dir, name, table)
        seconds = time.perf_counter() - t
    return {"platform": platform, "orders": n, "workers": workers, "seconds": seconds, "orders_per_s": n / seconds}


def run(lake_dir: Path, platform: str, n: int) -> dict:
    data = payloads(platform, n)
    fetched = FETCHED
    t = time.perf_counter()
    norm = 0.0
    for start in range(0, n, BATCH):
        t1 = time.perf_counter()
        rows = [normalize(platform, p, shop_id="main", fetched_at=fetched, batch_id=f"b{start}")
                for p in data[start:start + BATCH]]
        norm += time.perf_counter() - t1
        lake.write(lake_dir, "orders", [r.order for r in rows])
        lake.write(lake_dir, "order_lines", [x for r in rows for x in r.lines])
        lake.write(lake_dir, "order_events", [x for r in rows for x in r.events])
    seconds = time.perf_counter() - t
    return {"platform": platform, "orders": n, "seconds": seconds, "orders_per_s": n / seconds,
            "normalize_s": norm, "write_s": seconds - norm}


if __name__ == "__main__":
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    lake_dir, platform, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    result = run_parallel(lake_dir, platform, n, workers) if workers > 1 else run(lake_dir, platform, n)
    print(json.dumps({**result, "peak_mib": peak_mib()}))
