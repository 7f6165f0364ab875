"""The mart's refresh times on a lake: full build, warm connect, incremental refresh after one ingest batch of
the newest orders, then after one whose updates are spread over a week.

    python -m bench.refresh LAKE ORDERS  → JSON {full_s, warm_connect_s, incremental_s, ...}

The full build is the query sets' own mart (bench/work/<lake>/marts/, removed first); the rest runs in a copy
of that data dir (bench/work/<lake>-refresh: lake links and warm mart), removed afterwards, so the batch it
adds never reaches the shared lake or the query sets' data dir.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

from bench import peak_mib, workdir
from models import facts_mart
from models.db import connect


def timed(fn) -> tuple[object, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def run(lake_dir: Path, orders: int) -> dict:
    settings = workdir.data_dir(lake_dir, lake_dir.parent.name)
    shutil.rmtree(facts_mart.mart_dir(settings), ignore_errors=True)
    _, full_s = timed(lambda: facts_mart.refresh(settings))  # also warms the mart the query sets read
    full = facts_mart.read_manifest(facts_mart.mart_dir(settings))
    copy = replace(settings, data_dir=settings.data_dir.with_name(settings.data_dir.name + "-refresh"))
    shutil.rmtree(copy.data_dir, ignore_errors=True)
    shutil.copytree(settings.data_dir, copy.data_dir, symlinks=True)  # lake links and warm mart
    try:
        db, warm_s = timed(lambda: connect(copy, materialize=True))
        db.close()
        _, write_s = timed(lambda: workdir.ingest_batch(copy, orders))
        _, incr_s = timed(lambda: facts_mart.refresh(copy))
        incremental = facts_mart.read_manifest(facts_mart.mart_dir(copy))
        workdir.ingest_batch(copy, orders, spread_days=7, after=2_000)  # updates over a week: its days rewritten
        _, week_s = timed(lambda: facts_mart.refresh(copy))
        week = facts_mart.read_manifest(facts_mart.mart_dir(copy))
        return {"full_s": full_s, "warm_connect_s": warm_s, "batch_write_s": write_s, "incremental_s": incr_s,
                "mode": incremental.mode, "recomputed": incremental.recomputed, "rows": full.rows,
                "parts_rewritten": len(set(incremental.parts.values()) - set(full.parts.values())),
                "incremental_week_s": week_s, "week_recomputed": week.recomputed,
                "week_parts_rewritten": len(set(week.parts.values()) - set(incremental.parts.values())),
                "snapshot_mib": sum(p.stat().st_size for p in full.paths(facts_mart.mart_dir(settings))) / 2**20,
                "snapshot_files": len(full.parts)}
    finally:
        shutil.rmtree(copy.data_dir, ignore_errors=True)


if __name__ == "__main__":
    result = run(Path(sys.argv[1]), int(sys.argv[2]))
    print(json.dumps({**result, "peak_mib": peak_mib()}))
