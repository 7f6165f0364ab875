"""`python -m bench.engines <lake> <duckdb|spark>`: the KPI set (`models.kpis.everything`) from the lake's
files on one engine, timed: open (listing, views) and the KPIs over the last 7 and 90 days and the year.

Both engines start from the same Parquet files and compute order_facts from them (DuckDB's live views, not
the mart): a KPI refresh where the data is, the work a cluster would do. Spark runs local[2] here.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench.synth import END
from models import kpis
from models.settings import Settings

SCOPES = (7, 90, 365)


def main(argv: list[str]) -> int:
    lake_dir, engine = Path(argv[0]), argv[1]
    settings = Settings(data_dir=lake_dir.parent)
    t = time.perf_counter()
    if engine == "spark":
        from models.spark_engine import SparkLake, session

        db = SparkLake.open(session("local[2]"), settings)
    else:
        from models.db import connect

        db = connect(settings)
    out: dict = {"engine": engine, "open_s": time.perf_counter() - t, "scopes": {}, "results": {}}
    end = (END - timedelta(hours=1)).astimezone(settings.zone).date()
    for days in SCOPES:
        scope = kpis.Scope(end - timedelta(days=days - 1), end)
        t = time.perf_counter()
        out["results"][str(days)] = kpis.everything(db, scope, END)
        out["scopes"][str(days)] = time.perf_counter() - t
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
