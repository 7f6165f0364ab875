"""The KPI layer on Apache Spark SQL: the same lake, the same definitions (models/portable_sql.py).

    spark = session("local[2]")                 # or spark://host:7077, yarn, k8s://...
    lake = SparkLake.open(spark, settings)      # every view of views.sql over the lake's files
    kpis.everything(lake, scope)                # what `python -m models.kpis --engine spark` prints

Why Spark: a lake of hundreds of shops outgrows one machine's disk and memory; Spark reads the same
Hive-partitioned Parquet where it lies. Only the views the KPIs read are made (the four tables the facts
are made of, deduplicated; views.sql's order_stages, order_facts, exception_facts); the KPI queries run as transpiled by
models/portable_sql.py, with their macros inlined. pyspark and Java are optional: only this module needs them
(requirements-scale.txt, `apt-get install openjdk-17-jre-headless`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from models import portable_sql
from models.facts_mart import DEPENDS_ON
from models.money import exponent
from models.schema import TABLES, Table
from models.settings import Settings
from models.views import current_rows_sql, readable_files

# What every KPI query reads, computed once per open (the role the mart plays for DuckDB): without it each
# query pivots every event again.
CACHED = ("order_facts", "exception_facts")
SPARK_TYPES = {"string": "string", "timestamp[us, tz=UTC]": "timestamp", "int32": "int", "int64": "bigint",
               "bool": "boolean"}

def session(master: str = "local[2]", app: str = "orderhub-kpis") -> Any:
    """A Spark session in UTC (the lake's zone) without the web UI; reuses one already running."""
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(master).appName(app)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.ansi.enabled", "false")  # DuckDB's x / 0 is null where ANSI Spark raises
            .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_schema(table: Table) -> str:
    return ", ".join(f"`{f.name}` {SPARK_TYPES[str(f.type)]}" for f in table.schema)


@dataclass
class SparkLake:
    """A Spark session with the KPI views over one listing of the lake; `query` runs DuckDB-dialect KPI SQL."""

    spark: Any
    settings: Settings
    problems: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, spark: Any, settings: Settings, files: dict[str, list[str]] | None = None) -> SparkLake:
        problems: list[str] = []
        files = files or {t: readable_files(settings.lake_dir, t, problems) for t in DEPENDS_ON}
        for name in DEPENDS_ON:  # the tables order_facts and exception_facts are made of, no more
            _register_table(spark, TABLES[name], files.get(name, []))
        _config_tables(spark, settings)
        for name in CACHED:
            spark.sql(f"uncache table if exists {name}")
        for name, select in portable_sql.views():
            spark.sql(f"create or replace temp view {name} as {portable_sql.to_dialect(select, 'spark')}")
        for name in CACHED:
            spark.sql(f"cache table {name}")
        return cls(spark, settings, problems)

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """The result as DuckDB gives it: Spark's timestamps arrive without a zone; they are UTC (the session's)."""
        frame = self.spark.sql(portable_sql.to_dialect(sql, "spark", params)).toPandas()
        for column in frame.columns:
            if isinstance(frame[column].dtype, np.dtype) and frame[column].dtype.kind == "M":
                frame[column] = frame[column].dt.tz_localize("UTC")
        return frame

    def close(self) -> None:
        """The session stays up for the next lake (starting one costs seconds); `spark.stop()` ends it."""


def _register_table(spark: Any, table: Table, files: list[str]) -> None:
    if files:  # the schema given: no job to infer it, and columns a file lacks read as null
        spark.read.schema(spark_schema(table)).parquet(*files).createOrReplaceTempView(f"lake_{table.name}")
    else:
        spark.createDataFrame([], spark_schema(table)).createOrReplaceTempView(f"lake_{table.name}")
    select = portable_sql.to_dialect(current_rows_sql(table), "spark")
    spark.sql(f"create or replace temp view {table.name} as {select}")


def _config_tables(spark: Any, settings: Settings) -> None:
    """fx_rates and accuracy_exception_types, as models.views makes them for DuckDB (exact decimals)."""
    rows = [(c, Decimal(str(r)).quantize(Decimal("1e-8")), (Decimal(100) / Decimal(10) ** exponent(c))
             .quantize(Decimal("1e-8"))) for c, r in settings.fx_rates.items()]
    spark.createDataFrame(rows, "currency string, rate decimal(18, 8), to_cents decimal(18, 8)") \
        .createOrReplaceTempView("fx_rates")
    spark.createDataFrame([(t,) for t in settings.accuracy_exception_types], "type string") \
        .createOrReplaceTempView("accuracy_exception_types")
