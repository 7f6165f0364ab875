"""The lake: append-only, Hive-partitioned Parquet under `<data>/lake/<table>/month=YYYY-MM/`.

Every file is written to a hidden temp name in its final folder, fsynced, then renamed into place, so a
reader never sees half a file and a crash leaves at most an ignored temp file. Nothing is updated in
place: a change is a new row version, and the views in `models.db` pick the current one by natural key.
That is also why compaction is safe at any moment: old and merged files may briefly coexist, and the
duplicates they form are exactly the ones the views already remove.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from models import atomic, objectstore
from models.atomic import TEMP_PREFIX  # readers skip these names; compact removes old ones
from models.schema import TABLES, Table

log = logging.getLogger(__name__)
_SQL_TYPES = {"string": "varchar", "timestamp[us, tz=UTC]": "timestamptz", "int32": "integer", "int64": "bigint",
              "bool": "boolean"}


class LakeWriteError(RuntimeError):
    """Rows could not be written; the message names the table and column. Nothing was made visible."""


@dataclass(frozen=True)
class CompactionReport:
    table: str
    partitions: int
    files_before: int
    files_after: int
    rows_before: int
    rows_after: int


def table_dir(lake_dir: Path, table: str) -> Path:
    return lake_dir / table


def data_files(lake_dir: Path, table: str) -> list[Path]:
    """The visible Parquet files of a table, sorted; temp files of writers in flight are not among them."""
    root = table_dir(lake_dir, table)
    if not objectstore.is_object(root) and not root.exists():
        return []
    return sorted(p for p in root.glob("month=*/*.parquet") if not p.name.startswith(TEMP_PREFIX))


def conform(table: Table, rows: pa.Table | pd.DataFrame | Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows as an Arrow table of exactly the table's schema: missing columns null, extra columns refused."""
    if isinstance(rows, pa.Table):
        data = rows
    elif isinstance(rows, pd.DataFrame):
        data = pa.Table.from_pandas(rows, preserve_index=False)
    else:
        data = _from_records(table, list(rows))
    extra = sorted(set(data.column_names) - set(table.columns))
    if extra:
        raise LakeWriteError(f"{table.name}: unknown column(s) {', '.join(extra)}")
    columns = []
    for field in table.schema:
        if field.name not in data.column_names:
            columns.append(pa.nulls(data.num_rows, field.type))
            continue
        try:
            columns.append(data.column(field.name).cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise LakeWriteError(f"{table.name}.{field.name}: cannot store as {field.type}: {exc}") from exc
    out = pa.Table.from_arrays(columns, schema=table.schema)
    for key in (*table.key, table.partition_by):
        if out.column(key).null_count:
            raise LakeWriteError(f"{table.name}.{key}: {out.column(key).null_count} row(s) have no value")
    return out


def _from_records(table: Table, records: list[Mapping[str, Any]]) -> pa.Table:
    """Records → Arrow with the table's schema (Arrow would infer the columns from the first row alone)."""
    extra = sorted(set().union(*records) - set(table.columns)) if records else []
    if extra:
        raise LakeWriteError(f"{table.name}: unknown column(s) {', '.join(extra)}")
    try:
        return pa.Table.from_pylist(records, schema=table.schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise LakeWriteError(f"{table.name}: a value does not fit the schema: {exc}") from exc


@lru_cache(maxsize=100_000)
def _file_schema(path: str) -> tuple[tuple[str, str], ...]:
    """(column, type) pairs in a file's footer; cached per path: lake files are immutable and uniquely named."""
    try:
        schema = pq.read_schema(objectstore.open_input(path))
    except Exception:  # unreadable: the views report it; the query then names the file
        return ()
    return tuple((f.name, str(f.type)) for f in schema)


def read_sql(table: Table, files: list[str]) -> str:
    """`select <the table's columns> from <these Parquet files>` (files must not be empty).

    Files are grouped by their exact schema and each group read without `union_by_name`: DuckDB then
    binds a group from its first file's footer instead of opening every file, which kept a view over
    a lake of many small files (and every view stacked on it) seconds slow to create. A column a group's
    files lack (one the schema gained later, `Table.added`) is selected there as a typed null.
    """
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for f in files:
        groups.setdefault(_file_schema(str(f)), []).append(str(f))
    parts = []
    for schema, group in groups.items():
        present = {name for name, _ in schema} if schema else set(table.columns)
        cols = ", ".join(f'"{c}"' if c in present else
                         f'null::{_SQL_TYPES[str(table.schema.field(c).type)]} as "{c}"' for c in table.columns)
        listing = ", ".join("'" + objectstore.local(f).replace("'", "''") + "'" for f in group)
        parts.append(f"select {cols} from read_parquet([{listing}], hive_partitioning=false)")
    return " union all ".join(parts)


def _atomic_write(data: pa.Table, folder: Path) -> Path:
    final = folder / f"part-{uuid.uuid4().hex}.parquet"
    if objectstore.is_object(final):  # one upload: visible whole when it completes, never half
        sink = pa.BufferOutputStream()
        pq.write_table(data, sink, compression="zstd", row_group_size=256_000)
        final.write_bytes(sink.getvalue().to_pybytes())
        return final
    with atomic.replacing(final) as tmp, open(tmp, "wb") as fh:
        pq.write_table(data, fh, compression="zstd", row_group_size=256_000)
    return final


def write(lake_dir: Path, table_name: str, rows: pa.Table | pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[Path]:
    """Append rows to a table: one new file per month partition, each made visible atomically."""
    table = TABLES[table_name]
    data = conform(table, rows)
    if data.num_rows == 0:
        return []
    at = data.column(table.partition_by)  # UTC: year and month as one number (strftime is slower than Parquet)
    months = pc.add(pc.multiply(pc.year(at), 100), pc.month(at))
    written = []
    for month in sorted(pc.unique(months).to_pylist()):
        part = data.filter(pc.equal(months, month))
        folder = table_dir(lake_dir, table_name) / f"month={month // 100:04d}-{month % 100:02d}"
        written.append(_atomic_write(part, folder))
    return written


def compact(lake_dir: Path, table_name: str, min_files: int = 2) -> CompactionReport:
    """Merge each partition's files into one, dropping only rows that are exact copies of another.

    The merged file is visible before the old files are removed; if the process dies in between, the
    views see each row twice and keep one, so no query result changes at any instant.
    """
    table = TABLES[table_name]
    files = data_files(lake_dir, table_name)
    by_month: dict[Path, list[Path]] = {}
    for f in files:
        by_month.setdefault(f.parent, []).append(f)
    rows_before = rows_after = partitions = files_after = 0
    con = duckdb.connect()
    try:
        for folder, group in sorted(by_month.items()):
            if len(group) < min_files:
                files_after += len(group)
                continue
            source = read_sql(table, [p.as_posix() for p in group])
            rows_before += con.execute(f"select count(*) from ({source})").fetchone()[0]
            order = ", ".join(f'"{k}"' for k in (*table.key, *table.version_by))
            merged = con.execute(f"select distinct * from ({source}) order by {order}").to_arrow_table()
            merged = with_replaced(conform(table, merged), lake_dir, group)
            _atomic_write(merged, folder)
            for old in group:
                old.unlink(missing_ok=True)
            rows_after += merged.num_rows
            partitions += 1
            files_after += 1
    finally:
        con.close()
    return CompactionReport(table_name, partitions, len(files), files_after, rows_before, rows_after)


REPLACES = b"orderhub.replaces"  # a compacted file's footer: the files (path in the lake → size) it merged


def with_replaced(data: pa.Table, lake_dir: Path, inputs: list[Path]) -> pa.Table:
    """`data` carrying, in its Parquet footer, which files it merges (their paths inside the lake and sizes).

    Why: a compaction changes no row a view returns, so a cache over the lake (the order_facts mart) can
    re-point at the merged file instead of rebuilding everything (models/facts_mart.py)."""
    merged = {inside(p, lake_dir): objectstore.to_path(p).stat().st_size for p in inputs}
    return data.replace_schema_metadata({**(data.schema.metadata or {}), REPLACES: json.dumps(merged).encode()})


def replaced_by(path: str | Path, lake_dir: Path) -> dict[str, int]:
    """The files (path inside the lake → size) a compacted file merged; {} for any other file or one unreadable."""
    try:
        meta = pq.read_schema(objectstore.open_input(path)).metadata or {}
        return {str(k): int(v) for k, v in json.loads(meta.get(REPLACES, b"{}")).items()}
    except Exception:  # unreadable or not ours: nothing is explained by it
        return {}


def inside(path: Path | str, lake_dir: Path) -> str:
    """A file's path inside the lake: what a data dir moved or copied whole still agrees on."""
    if objectstore.is_object(lake_dir):
        return str(path).removeprefix(f"{lake_dir}/")
    return os.path.relpath(path, lake_dir)


def rewrite_column(lake_dir: Path, table_name: str, column: str, fix: Callable[[str | None], str | None]) -> int:
    """Apply `fix` to one text column of every file; a file whose values change is replaced. Returns how many.

    For one-off repairs of rows that must not stay as written (a secret in an error message). The fixed
    file appears before the old one goes, like compaction; a file `fix` leaves alone is not touched, so
    running it again changes nothing.
    """
    table = TABLES[table_name]
    replaced = 0
    for path in data_files(lake_dir, table_name):
        data = pq.read_table(objectstore.open_input(path))
        before = data.column(column).to_pylist()
        after = [fix(v) for v in before]
        if after == before:
            continue
        fixed = data.set_column(data.schema.get_field_index(column), column, pa.array(after, pa.string()))
        _atomic_write(conform(table, fixed), path.parent)
        path.unlink(missing_ok=True)
        replaced += 1
    return replaced


def clean_temp_files(lake_dir: Path, older_than_s: float = 3600) -> int:
    """Remove temp files left by writers that died; recent ones may belong to a writer still running."""
    removed = 0
    if objectstore.is_object(lake_dir):  # uploads are never visible half-done: no temp objects to clean
        return 0
    for tmp in lake_dir.glob(f"*/month=*/{TEMP_PREFIX}*"):
        if time.time() - tmp.stat().st_mtime > older_than_s:
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed
