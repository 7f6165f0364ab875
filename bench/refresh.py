"""The mart's refresh times on a lake: full build, warm connect, incremental refresh after one ingest batch.

    python -m bench.refresh LAKE ORDERS  → JSON {full_s, warm_connect_s, incremental_s, ...}

Runs in a throwaway data dir (bench/work/<lake>-refresh), removed afterwards, so the batch it adds never
reaches the shared lake or the query sets' data dir.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from bench import peak_mib, workdir
from models import facts_mart
from models.db import connect


def timed(fn) -> tuple[object, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def run(lake_dir: Path, orders: int) -> dict:
    settings = workdir.data_dir(lake_dir, f"{lake_dir.parent.name}-refresh", fresh=True)
    try:
        _, full_s = timed(lambda: facts_mart.refresh(settings))
        db, warm_s = timed(lambda: connect(settings, materialize=True))
        db.close()
        _, write_s = timed(lambda: workdir.ingest_batch(settings, orders))
        _, incr_s = timed(lambda: facts_mart.refresh(settings))
        manifest = facts_mart.read_manifest(facts_mart.mart_dir(settings))
        return {"full_s": full_s, "warm_connect_s": warm_s, "batch_write_s": write_s, "incremental_s": incr_s,
                "mode": manifest.mode, "recomputed": manifest.recomputed, "rows": manifest.rows,
                "snapshot_mib": sum(p.stat().st_size for p in manifest.paths(facts_mart.mart_dir(settings))) / 2**20,
                "snapshot_files": len(manifest.months)}
    finally:
        shutil.rmtree(settings.data_dir, ignore_errors=True)


if __name__ == "__main__":
    result = run(Path(sys.argv[1]), int(sys.argv[2]))
    print(json.dumps({**result, "peak_mib": peak_mib()}))
