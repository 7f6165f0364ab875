"""Ingest throughput: platform-shaped payloads → normalize → lake.write (orders, lines, events).

    python -m bench.ingest_rate LAKE PLATFORM N

Payloads are rendered by the sandbox (`ingest.sandbox.payloads.make_order`) before the clock starts;
the timed part is what a pull does with a page of responses: normalize each, write the batch.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import peak_mib
from ingest.normalize.registry import normalize
from ingest.sandbox.payloads import make_order
from ingest.sandbox.sim import SimLine, SimOrder
from models import lake

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


def run(lake_dir: Path, platform: str, n: int) -> dict:
    data = payloads(platform, n)
    fetched = datetime(2026, 11, 30, tzinfo=UTC)
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
    result = run(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
    print(json.dumps({**result, "peak_mib": peak_mib()}))
