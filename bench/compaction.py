"""Compaction time: every table of a lake written in many small batches, merged (marts follow).

    python -m bench.compaction LAKE  → JSON {seconds, files_before, files_after, ...}

The lake is copied first so the measurement can be repeated on the same small files.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from bench import peak_mib
from models import lake
from models.marts import DERIVED_BY_NAME
from models.schema import TABLES


def main(argv: list[str]) -> int:
    source = Path(argv[0])
    work = source.parent / "compacted"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work)
    marts_before = sum(len(lake.data_files(work, d)) for d in DERIVED_BY_NAME)
    t = time.perf_counter()
    reports = [lake.compact(work, name) for name in TABLES]
    seconds = time.perf_counter() - t
    marts_after = sum(len(lake.data_files(work, d)) for d in DERIVED_BY_NAME)
    shutil.rmtree(work)
    print(json.dumps({"peak_mib": peak_mib(), **{
        "seconds": seconds, "files_before": sum(r.files_before for r in reports),
        "files_after": sum(r.files_after for r in reports), "rows": sum(r.rows_after for r in reports),
        "mart_files_before": marts_before, "mart_files_after": marts_after,
    }}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
