"""The views every reader shares, over an exact list of lake files: the bottom of the read path.

1. `lake_<table>`: every listed file of a table, all row versions (`read_parquet` over a file list);
2. `<table>`: the current row per natural key (generated from `models.schema`), and `<table>_keys`: each natural
   key once, as many rows as `<table>` (what counts current rows without deduplicating whole rows);
3. `sql/views.sql`: the stage mart and `order_facts`, the one row per order that the KPIs read;
4. `sql/macros.sql`: every KPI formula and table macro the named queries share, so each is defined once and
   any named query runs on any connection.

`models.db.connect` lists the lake and opens these; `models.facts_mart` opens them over the files it
recomputes. Keeping them here lets both use them without importing each other.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from models import lake, objectstore
from models.reconciliation.config import ReconConfig, load_recon_config
from models.schema import TABLES, Table
from models.settings import ConfigError, Settings

SQL_DIR = Path(__file__).parent / "sql"
VIEW_FILES = ("views.sql", "rollups.sql", "events.sql", "macros.sql", "inventory.sql", "reconciliation.sql")
_VIEW_HEAD = re.compile(r"(?im)^(create or replace view \w+) as\b")


def deferred(sql: str) -> str:
    """The SQL with every `create or replace view v as` made `... with (defer_binding) as`.

    DuckDB otherwise binds a view, and every view under it, when it is created: with the stacked views
    here that was most of opening a connection (a second, paid again by each reader racing ingest).
    A deferred view is bound when first queried; the tests query every one, so a mistake still shows.
    """
    return _VIEW_HEAD.sub(r"\1 with (defer_binding) as", sql)


@lru_cache(maxsize=4)
def _view_sql(names: tuple[str, ...] = VIEW_FILES) -> str:
    """The view files' SQL, read once per process (they are part of the code, not of the data)."""
    return deferred("\n".join((SQL_DIR / name).read_text(encoding="utf-8") for name in names))


@dataclass
class LakeConnection:
    """A DuckDB connection plus what was left out while building its views, and the files they read."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    problems: list[str] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)

    def sql(self, query: str, params: dict | None = None) -> duckdb.DuckDBPyRelation:
        return self.con.execute(query, params or {})

    def query(self, query: str, params: dict | None = None) -> pd.DataFrame:
        """A query's result as a DataFrame: what `models.kpis` calls, on this engine or another (SparkLake)."""
        return self.con.execute(query, params or {}).df()

    def cursor(self) -> LakeConnection:
        """Another handle on the same database, safe to use from another thread."""
        return LakeConnection(self.con.cursor(), self.settings, self.problems, self.files)

    @contextmanager
    def capped(self, memory_limit: str) -> Iterator[LakeConnection]:
        """A DuckDB of its own over the same files whose memory is capped: beyond `memory_limit` it spills to a
        temporary folder under the data dir. For whole-lake counts whose hash tables follow the lake (the
        duplicate count), which would otherwise grow the shared connection's memory with the lake."""
        spill_root = self.settings.data_dir / "spill"
        spill_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=spill_root) as spill:
            own = open_views(self.settings, self.files, list(self.problems))
            try:
                own.con.execute(f"set memory_limit = '{memory_limit}'")
                own.con.execute(f"set temp_directory = '{Path(spill).as_posix()}'")
                yield own
            finally:
                own.close()

    def close(self) -> None:
        self.con.close()


@lru_cache(maxsize=100_000)
def _footer_error(path: str, size: int, mtime_ns: int) -> str | None:
    """Why a file cannot be read, or None; cached per (path, size, mtime): lake files never change."""
    try:
        pq.read_metadata(objectstore.open_input(path))
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
    """`select <the table's columns> from <these Parquet files>` (files must not be empty): `lake.read_sql`."""
    return lake.read_sql(table, files)


def _base_view(con: duckdb.DuckDBPyConnection, table: Table, files: list[str]) -> None:
    cols = ", ".join(f'"{c}"' for c in table.columns)
    if files:
        con.execute(f"create or replace view lake_{table.name} with (defer_binding) as {files_select(table, files)}")
    else:
        # A real (empty) table, not a registered Arrow object: registrations are invisible to cursors.
        con.register("empty_src", pa.Table.from_pylist([], schema=table.schema))
        con.execute(f"create or replace table lake_{table.name} as select {cols} from empty_src")
        con.unregister("empty_src")
    con.execute(f"create or replace view {table.name} with (defer_binding) as {current_rows_sql(table)}")
    key = ", ".join(f'"{k}"' for k in table.key)
    con.execute(f"create or replace view {table.name}_keys with (defer_binding) as "
                f"select distinct {key} from lake_{table.name}")


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
    columns = ", ".join(f'"{c}"' for c in table.columns)  # spelled out: Spark has no `* exclude`
    return (f"select {columns} from (select {', '.join(picked)}, "
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


def _recon_tables(con: duckdb.DuckDBPyConnection, settings: Settings, problems: list[str]) -> None:
    """Fee tables, settlement delays and tolerances (config/reconciliation.toml) as tables the views join.

    A bad file must not take the console down: its error joins `problems` and the defaults apply."""
    try:
        cfg = load_recon_config(settings.config_dir)
    except ConfigError as exc:
        problems.append(str(exc))
        cfg = ReconConfig()
    fees = [("*", cfg.defaults), *list(cfg.channels.items())]
    tables = {
        "recon_fees": ([{"channel": c, "settlement_days": f.settlement_days, "fee_percent": str(f.percent)}
                        for c, f in fees], [("channel", pa.string()), ("settlement_days", pa.int32()),
                                            ("fee_percent", pa.string())]),
        "recon_fixed_fees": ([{"channel": c, "currency": cur, "fixed_cents": v} for c, f in fees
                              for cur, v in f.fixed.items()],
                             [("channel", pa.string()), ("currency", pa.string()), ("fixed_cents", pa.int64())]),
        "recon_tolerance": ([{"currency": cur, "tolerance_cents": cfg.tolerance_minor(cur)}
                             for cur in sorted(set(settings.fx_rates) | set(cfg.tolerance) - {"default"})],
                            [("currency", pa.string()), ("tolerance_cents", pa.int64())]),
        "recon_buyer_watch": ([{"days": cfg.buyer_days, "min_events": cfg.buyer_min_events}],
                              [("days", pa.int32()), ("min_events", pa.int32())]),
    }
    for name, (rows, schema) in tables.items():
        con.register(f"{name}_src", pa.Table.from_pylist(rows, schema=pa.schema(schema)))
        cast = ", fee_percent::decimal(9, 4) as fee_percent" if name == "recon_fees" else ""
        exclude = " exclude (fee_percent)" if cast else ""
        con.execute(f"create or replace table {name} as select *{exclude}{cast} from {name}_src")
        con.unregister(f"{name}_src")


def open_views(settings: Settings, files: dict[str, list[str]], problems: list[str] | None = None,
               sql_files: tuple[str, ...] = VIEW_FILES) -> LakeConnection:
    """An in-memory DuckDB with every view over exactly these files (table name → readable Parquet files).

    A reader that needs a few views (the reservation pass) names the view files it reads; the rest are not
    created."""
    # asof_loop_join_threshold 0: DuckDB runs an ASOF join whose left side it *estimates* below 64 rows as a
    # nested loop; the manual-intervention reasons' estimate is ~44 for thousands of touches, which made that
    # query 9.4 s instead of 1.1 s on the 10 M bench lake (one thread).
    # parquet_metadata_cache: every query opens the footers of the files it reads; at 10 M orders a lookup
    # reads 13 months of key files several times, and parsing their footers again each time was a third of
    # it (0.77 → 0.62 s). Safe: lake and mart files are written once under new names (DuckDB also re-reads
    # a footer whose file changed since).
    con = duckdb.connect(":memory:", config={"threads": str(min(4, os.cpu_count() or 2)),
                                             "asof_loop_join_threshold": "0"})
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set parquet_metadata_cache = true")  # not in `config`: the parquet extension loads later
        for table in TABLES.values():
            _base_view(con, table, files.get(table.name, []))
        _config_tables(con, settings)
        problems = problems if problems is not None else []
        _recon_tables(con, settings, problems)
        con.execute(_view_sql(sql_files))
    except BaseException:  # a file that vanished since listing: the caller lists again
        con.close()
        raise
    return LakeConnection(con, settings, problems, files)
