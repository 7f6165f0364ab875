"""Every KPI of the set (`models.kpis.everything`) on Spark equals DuckDB's, on the hand-made lake and a demo lake.

One Spark session (local[2]) for the module: starting the JVM costs seconds, a query after that much less.
Counts and money must be equal, timestamps the same instants, durations and ratios within 1e-9 relative (they
differ by one unit in the last place at most: Spark divides in double as DuckDB does, models/portable_sql.py).
On the hand-made lake a few figures are also checked against their values worked out on paper
(tests/models/test_kpis.py), so a transpiler that broke both engines the same way could not pass.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pytest

from bench.compare import same
from models import kpis, portable_sql
from models.db import connect
from models.settings import Settings
from models.spark_engine import SparkLake, session
from tests import handmade

AS_OF = datetime(2026, 3, 9, tzinfo=UTC)
REL_TOL = 1e-9
pytestmark = pytest.mark.timeout(1800)  # a JVM on a shared 2-core machine: generous, never a speed assertion


@pytest.fixture(scope="module")
def spark():
    return session("local[2]")


def figures(db, *scopes: kpis.Scope) -> list[dict]:
    """Every KPI of each scope, with the lake's dimensions (the same for every scope: queried once)."""
    dims = {k: v for k, v in kpis.dimensions(db).items() if k != "data_as_of"}
    return [{**kpis.everything(db, scope, AS_OF), "dimensions": dims} for scope in scopes]


def both(settings: Settings, spark, *scopes: kpis.Scope) -> list[tuple[dict, dict]]:
    """Each scope's figures on DuckDB and on Spark (one Spark view set for all scopes)."""
    db = connect(settings)
    try:
        duck = figures(db, *scopes)
    finally:
        db.close()
    return list(zip(duck, figures(SparkLake.open(spark, settings), *scopes), strict=True))


def test_handmade_lake_same_on_both_engines(spark, handmade_lake: Settings):
    handmade.add_promises(handmade_lake.lake_dir)
    [(duck, on_spark)] = both(handmade_lake, spark, kpis.Scope(date(2026, 3, 2), date(2026, 3, 2)))
    # worked out on paper (tests/handmade.py): A–E placed on 03-02; GMV of paid A, B, C (20 USD), E
    summary = on_spark["summary"]
    assert summary["orders"] == 5
    assert summary["gmv_cents"] == 10000 + 25000 + 14200 + 8000
    assert summary["lead_time_median_h"] == 7.0  # paid→shipped 6, 8, 18.0, 2 h: median of 2, 6, 8, 18
    assert summary["manual_orders"] == 1
    same(duck, on_spark, rel_tol=REL_TOL)


def test_demo_lake_same_on_both_engines(spark, demo_settings: Settings):
    whole = kpis.Scope(date(2026, 2, 20), date(2026, 3, 8))
    narrowed = kpis.Scope(date(2026, 3, 1), date(2026, 3, 7), channels=("shopee",), warehouses=())
    (duck, on_spark), (duck_narrow, spark_narrow) = both(demo_settings, spark, whole, narrowed)
    assert duck["summary"]["orders"] > 1000  # a lake big enough for percentiles to interpolate
    assert "shopee" in duck["dimensions"]["channels"] and 0 < duck_narrow["summary"]["orders"] < 1000
    same(duck, on_spark, rel_tol=REL_TOL)
    same(duck_narrow, spark_narrow, rel_tol=REL_TOL)


def test_seconds_between_count_second_boundaries_on_both_engines(spark):
    """DuckDB's date_diff('second') counts the second boundaries crossed; the KPIs' durations are built on it.
    Lakes with sub-second timestamps (bench/synth.py's) put a median 0.5 s apart before Spark did the same."""
    sql = ("select date_diff('second', a, b) as s, quantile_cont(date_diff('second', a, b) / 3600.0, 0.5) "
           "over () as h from (select cast('2026-03-02 10:00:00.9+00' as timestamptz) as a, "
           "cast('2026-03-02 10:00:01.1+00' as timestamptz) as b union all select "
           "cast('2026-03-02 10:00:00.1+00' as timestamptz), cast('2026-03-02 10:00:00.9+00' as timestamptz)) "
           "order by s")
    on_spark = [tuple(r) for r in spark.sql(portable_sql.to_dialect(sql, "spark")).collect()]
    # by hand: .9 → 1.1 crosses one boundary, .1 → .9 none; the median of 0 and 1/3600 h is 1/7200 h
    assert on_spark == duckdb.sql(sql).fetchall() == [(0, 1 / 7200), (1, 1 / 7200)]
