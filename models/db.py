"""A fresh in-memory DuckDB over the lake, with the views every reader shares.

Each process (console, ingest, e-mail job) opens its own connection: the lake is plain files, so nobody
holds a lock another process needs. Views are layered:

1. `lake_<table>`: every visible file of a table, all row versions (`read_parquet` over a file list);
2. `<table>`: the current row per natural key (generated from `models.schema`);
3. `sql/views.sql`: the stage mart and `order_facts`, the one row per order that the KPIs read
   (`materialize=True` points it and `exception_facts` at the persisted mart of `models/facts_mart.py`).

A file whose Parquet footer cannot be read is left out and reported in `LakeConnection.problems`, so
one corrupt file never takes the console down.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from models import lake
from models.schema import TABLES, Table
from models.settings import Settings, load_settings

log = logging.getLogger(__name__)
# duckdb 2.0's DataFrame export still calls a pandas 3.1-deprecated argument; the warning is not ours to fix.
warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop is deprecated")
SQL_DIR = Path(__file__).parent / "sql"
T = TypeVar("T")


@dataclass
class LakeConnection:
    """A DuckDB connection plus what was left out while building its views."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    problems: list[str] = field(default_factory=list)

    def sql(self, query: str, params: dict | None = None) -> duckdb.DuckDBPyRelation:
        return self.con.execute(query, params or {})

    def cursor(self) -> LakeConnection:
        """Another handle on the same database, safe to use from another thread."""
        return LakeConnection(self.con.cursor(), self.settings, self.problems)

    def close(self) -> None:
        self.con.close()


@lru_cache(maxsize=100_000)
def _footer_error(path: str, size: int, mtime_ns: int) -> str | None:
    """Why a file cannot be read, or None; cached per (path, size, mtime): lake files never change."""
    try:
        pq.read_metadata(path)
    except Exception as exc:
        return f"{path}: unreadable Parquet ({exc.__class__.__name__}: {exc})"
    return None


def readable_files(lake_dir: Path, table: str, problems: list[str]) -> list[str]:
    """The table's files whose footers read; the others are reported in `problems`."""
    good = []
    for path in lake.data_files(lake_dir, table):
        try:
            st = path.stat()
        except FileNotFoundError:  # removed by a compaction since listing
            continue
        error = _footer_error(str(path), st.st_size, st.st_mtime_ns)
        if error:
            problems.append(error)
        else:
            good.append(path.as_posix())
    return good


def files_select(table: Table, files: list[str]) -> str:
    """`select <the table's columns> from <these Parquet files>` (files must not be empty).

    Columns added to the schema after some files were written read as null there (`lake.select_list`).
    """
    cols = lake.select_list(table, files)
    listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    return f"select {cols} from read_parquet([{listing}], hive_partitioning=false, union_by_name=true)"


def _base_view(con: duckdb.DuckDBPyConnection, table: Table, files: list[str]) -> None:
    cols = ", ".join(f'"{c}"' for c in table.columns)
    if files:
        con.execute(f"create or replace view lake_{table.name} as {files_select(table, files)}")
    else:
        # A real (empty) table, not a registered Arrow object: registrations are invisible to cursors.
        con.register("empty_src", pa.Table.from_pylist([], schema=table.schema))
        con.execute(f"create or replace table lake_{table.name} as select {cols} from empty_src")
        con.unregister("empty_src")
    con.execute(f"create or replace view {table.name} as {current_rows_sql(table)}")


def current_rows_sql(table: Table) -> str:
    """The current row per natural key; sticky columns keep their latest non-null value across versions."""
    key = ", ".join(f'"{k}"' for k in table.key)
    order = ", ".join(f'"{c}" desc nulls last' for c in table.version_by)
    every_version = f"(partition by {key} order by {order} rows between unbounded preceding and unbounded following)"
    picked = []
    for c in table.columns:
        if c in table.sticky:
            picked.append(f'first_value("{c}" ignore nulls) over {every_version} as "{c}"')
        elif c in table.sticky_flags:
            picked.append(f'coalesce(bool_or("{c}") over (partition by {key}), false) as "{c}"')
        else:
            picked.append(f'"{c}"')
    return (f"select * exclude (_rank) from (select {', '.join(picked)}, "
            f"row_number() over (partition by {key} order by {order}) as _rank from lake_{table.name}) "
            f"where _rank = 1")


def _config_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    from models.money import exponent

    rows = [{"currency": c, "rate": str(r), "exponent": exponent(c)} for c, r in settings.fx_rates.items()]
    con.register("fx_rates_src", pa.Table.from_pylist(
        rows, schema=pa.schema([("currency", pa.string()), ("rate", pa.string()), ("exponent", pa.int32())])))
    # Exact decimals: converted money must not depend on float rounding.
    con.execute("create or replace table fx_rates as select currency, rate::decimal(18, 8) as rate, "
                "(100 / pow(10, exponent))::decimal(18, 8) as to_cents from fx_rates_src")
    con.unregister("fx_rates_src")
    types = list(settings.accuracy_exception_types)
    con.execute("create or replace table accuracy_exception_types as select unnest($t::varchar[]) as type",
                {"t": types})


def vanished(exc: BaseException) -> bool:
    """Did a query fail because a listed file is gone (compaction merged it away after we listed it)?"""
    return isinstance(exc, duckdb.IOException) and any(
        m in str(exc) for m in ("No such file or directory", "No files found that match"))


def retry_vanished(fn: Callable[[], T], attempts: int = 3) -> T:
    """Run `fn`, again (up to `attempts` times) when it read a file compaction removed meanwhile.

    Compaction writes the merged file before it removes the old ones, so listing the lake again always
    finds every row: the retry sees the same results, never a gap.
    """
    for attempt in range(attempts):
        try:
            return fn()
        except duckdb.IOException as exc:
            if not vanished(exc) or attempt == attempts - 1:
                raise
            log.info("a lake file vanished while reading (compaction); listing again: %s", exc)
    raise AssertionError("unreachable")


def connect(settings: Settings | None = None, materialize: bool = False) -> LakeConnection:
    """Open an in-memory DuckDB with all views over the lake as it is now.

    `materialize=True` makes `order_facts` read the persisted mart (`models.facts_mart`), refreshed first
    for the files added since: worth it for a long-lived reader that runs many KPI queries over one lake
    version (the console, the weekly e-mail), not for a one-off query. The mart is read in place, not loaded:
    it is sorted by `placed_at`, so a scoped query reads only the row groups of its dates, and memory does
    not grow with the lake. A file that compaction removes between listing and reading makes it list again.
    """
    settings = settings or load_settings()
    return retry_vanished(lambda: _connect(settings, materialize))


def _connect(settings: Settings, materialize: bool) -> LakeConnection:
    problems: list[str] = []
    files = {name: readable_files(settings.lake_dir, name, problems) for name in TABLES}
    db = open_views(settings, files, problems)
    if materialize:
        from models import facts_mart

        try:
            mart = facts_mart.refresh(settings, files)
            if mart.facts:  # else an empty lake: the live views are as cheap
                db.con.execute("alter view order_facts rename to order_facts_live")
                db.con.execute(f"create view order_facts as select * from {facts_mart.read_sql(mart.facts)}")
                db.con.execute("create or replace view exception_facts as "
                               f"select * from {facts_mart.read_sql([mart.exceptions])}")
        except BaseException:
            db.close()
            raise
    for p in problems:
        log.warning("left out of the views: %s", p)
    return db


def open_views(settings: Settings, files: dict[str, list[str]], problems: list[str] | None = None) -> LakeConnection:
    """An in-memory DuckDB with every view over exactly these files (table name → readable Parquet files)."""
    con = duckdb.connect(":memory:", config={"threads": str(min(4, os.cpu_count() or 2))})
    try:
        con.execute("set TimeZone = 'UTC'")
        for table in TABLES.values():
            _base_view(con, table, files.get(table.name, []))
        _config_tables(con, settings)
        for name in ("views.sql", "events.sql"):
            con.execute((SQL_DIR / name).read_text(encoding="utf-8"))
    except BaseException:  # a file that vanished since listing: the caller lists again
        con.close()
        raise
    return LakeConnection(con, settings, problems if problems is not None else [])


def lake_version(settings: Settings | None = None) -> str:
    """Changes whenever a file appears or disappears: the cache key that makes new data show up."""
    settings = settings or load_settings()
    count = newest = size = 0
    for table in TABLES:
        for path in lake.data_files(settings.lake_dir, table):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            count += 1
            size += st.st_size
            newest = max(newest, st.st_mtime_ns)
    return f"{count}-{size}-{newest}"
