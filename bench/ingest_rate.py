"""Ingest throughput: platform-shaped payloads → normalize → lake.write (orders, lines, events).

    python -m bench.ingest_rate LAKE PLATFORM N [WORKERS] [--rows]

Payloads are rendered by the sandbox (`sim.sandbox.payloads.make_order`) before the clock starts;
the timed part is what a pull does with a batch of responses: normalize each, write the batch. By default
a batch goes through `normalize_page` (columns straight into Arrow); `--rows` times the per-row path
(a dict per order, line and event, turned into Arrow by the writer) for comparison.
WORKERS > 1 (an experiment, not how a pull runs: a pull is one sequential, rate-limited stream) spreads
normalizing over forked processes that hand back Arrow tables; this process only writes. The pool is
started before the clock, like the payloads.

Beside it, `decode_orders_per_s` is the ceiling: how fast the same payloads, as the JSON list pages a pull
receives (100 orders each), are merely decoded by `json.loads` (which the HTTP client uses). Decoding is not
inside the timed normalize + write; a pull pays both.
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
from ingest.normalize.page import normalize_page
from ingest.normalize.registry import normalize
from ingest.platforms.sample import SimLine, SimOrder
from models import lake
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
PAGE = 100  # orders per list response, as the decode ceiling reads them
_DATA: list[dict] = []  # the payloads, inherited by forked workers so only slice bounds travel


def page_tables(platform: str, batch: list[dict], batch_id: str) -> dict[str, pa.Table]:
    """One batch through the page-wise path: the three tables, children first."""
    return normalize_page(platform, batch, shop_id="main", fetched_at=FETCHED, batch_id=batch_id).tables()


def row_tables(platform: str, batch: list[dict], batch_id: str) -> dict[str, list[dict]]:
    """One batch through the per-row path: dict rows, which lake.write turns into Arrow."""
    rows = [normalize(platform, p, shop_id="main", fetched_at=FETCHED, batch_id=batch_id) for p in batch]
    return {"orders": [r.order for r in rows], "order_lines": [x for r in rows for x in r.lines],
            "order_events": [x for r in rows for x in r.events]}


def _normalize_slice(job: tuple[str, int, int, str]) -> dict[str, pa.Table]:
    """Worker: normalize payloads [start, stop) and return the rows as Arrow tables of the lake's schema."""
    platform, start, stop, batch_id = job
    return page_tables(platform, _DATA[start:stop], batch_id)


def decode_rate(data: list[dict]) -> float:
    """Orders per second `json.loads` decodes from the same payloads as list pages of PAGE orders."""
    pages = [json.dumps(data[s:s + PAGE], ensure_ascii=False) for s in range(0, len(data), PAGE)]
    t = time.perf_counter()
    for text in pages:
        json.loads(text)
    return len(data) / (time.perf_counter() - t)


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
    return {"platform": platform, "orders": n, "workers": workers, "seconds": seconds, "orders_per_s": n / seconds,
            "decode_orders_per_s": decode_rate(_DATA)}


def run(lake_dir: Path, platform: str, n: int, rows: bool = False) -> dict:
    data = payloads(platform, n)
    normalize_batch = row_tables if rows else page_tables
    t, cpu = time.perf_counter(), time.process_time()
    norm = 0.0
    for start in range(0, n, BATCH):
        t1 = time.perf_counter()
        tables = normalize_batch(platform, data[start:start + BATCH], f"b{start}")
        norm += time.perf_counter() - t1
        for name, table in tables.items():
            lake.write(lake_dir, name, table)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    return {"platform": platform, "orders": n, "path": "rows" if rows else "page", "seconds": seconds,
            "orders_per_s": n / seconds, "normalize_s": norm, "write_s": seconds - norm, "cpu_s": cpu,
            "decode_orders_per_s": decode_rate(data)}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--rows"]
    workers = int(args[3]) if len(args) > 3 else 1
    lake_dir, platform, n = Path(args[0]), args[1], int(args[2])
    result = (run_parallel(lake_dir, platform, n, workers) if workers > 1
              else run(lake_dir, platform, n, rows="--rows" in sys.argv))
    print(json.dumps({**result, "peak_mib": peak_mib()}))
