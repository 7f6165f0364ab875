"""Compaction time: every table of a lake written in many small batches, merged; then the mart's refresh
after it (a re-point: the merged files name the files they replace, so no order is recomputed).

    python -m bench.compaction LAKE  → JSON {seconds, files_before, files_after, rows, rebuild_s, mode, full_s}

The lake is copied into bench/work/compacted first, so the shared lake keeps its small files and the
measurement can be repeated.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from bench import peak_mib, workdir
from models import facts_mart, lake
from models.schema import TABLES
from models.settings import Settings


def main(argv: list[str]) -> int:
    source = Path(argv[0])
    settings = Settings(data_dir=workdir.WORK / "compacted")
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    shutil.copytree(source, settings.lake_dir)
    facts_mart.refresh(settings)
    t = time.perf_counter()
    reports = [lake.compact(settings.lake_dir, name) for name in TABLES]
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    facts_mart.refresh(settings)
    rebuild_s = time.perf_counter() - t
    mode = facts_mart.read_manifest(facts_mart.mart_dir(settings)).mode
    shutil.rmtree(facts_mart.mart_dir(settings))
    t = time.perf_counter()
    facts_mart.refresh(settings)  # what a compaction used to force: the full build, beside it
    full_s = time.perf_counter() - t
    shutil.rmtree(settings.data_dir)
    print(json.dumps({"peak_mib": peak_mib(), **{
        "seconds": seconds, "files_before": sum(r.files_before for r in reports),
        "files_after": sum(r.files_after for r in reports), "rows": sum(r.rows_after for r in reports),
        "rebuild_s": rebuild_s, "mode": mode, "full_s": full_s,
    }}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
