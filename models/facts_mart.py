"""The persisted `order_facts` mart: a rebuildable cache under `<data>/marts/order_facts/`, refreshed incrementally.

Why: computing `order_facts` from the lake costs time in proportion to the whole lake (every event pivoted,
every order version deduped), and ingest adds files every few minutes. The mart keeps the last result as one
Parquet snapshot plus a JSON manifest of the lake files (path, size) and settings it reflects. A refresh
recomputes only the orders the added files touch; a removed file (compaction), a settings or code change,
or a missing or unreadable mart means a full rebuild. The mart is not part of the lake: deleting the folder
only costs one rebuild.

Writes are atomic (temp file, fsync, rename; the manifest last), so a reader sees the old mart or the new
one, never half of one. Processes refreshing at once each write their own snapshot; the last manifest
rename wins and both are correct for the files they list.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from models import db as lakedb
from models.schema import TABLES
from models.settings import Settings

DEPENDS_ON = ("orders", "order_events", "exceptions", "actions")
MANIFEST = "manifest.json"
GRACE_S = 600  # an old snapshot stays this long after it is replaced: a reader may be loading it
# A full build pivots every event: DuckDB spills to <mart>/.spill beyond this instead of growing with the lake.
MEMORY_LIMIT = "1GB"


@dataclass(frozen=True)
class Manifest:
    """What a snapshot reflects: its file name, the lake files (table → path → size), settings, row count."""

    snapshot: str
    files: dict[str, dict[str, int]]
    fingerprint: str
    rows: int
    mode: str = "full"  # how this snapshot was made: full | incremental
    recomputed: int = 0  # orders recomputed to make it


def mart_dir(settings: Settings) -> Path:
    return settings.data_dir / "marts" / "order_facts"


def fingerprint(settings: Settings) -> str:
    """Changes when anything besides the lake files changes the facts: rates, accuracy types, the SQL, schemas."""
    parts = [json.dumps(sorted(settings.fx_rates.items())), json.dumps(list(settings.accuracy_exception_types)),
             (lakedb.SQL_DIR / "views.sql").read_text(encoding="utf-8"),
             *(str(TABLES[t].schema) + str(TABLES[t].key) for t in DEPENDS_ON)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def refresh(settings: Settings, files: dict[str, list[str]] | None = None) -> Path:
    """Bring the mart up to date with the lake (or with `files`, table → readable files) and return its snapshot."""
    if files is None:
        files = {t: lakedb.readable_files(settings.lake_dir, t, []) for t in DEPENDS_ON}
    current = _sized({t: files.get(t, []) for t in DEPENDS_ON})
    folder = mart_dir(settings)
    old, fp = read_manifest(folder), fingerprint(settings)
    if old and old.fingerprint == fp and old.files == current:
        return folder / old.snapshot
    added = _added(old, current) if old and old.fingerprint == fp else None
    folder.mkdir(parents=True, exist_ok=True)
    lake = lakedb.open_views(settings, files)
    lake.con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
    lake.con.execute(f"set temp_directory = '{(folder / '.spill').as_posix()}'")
    try:
        if added is None:
            new = _full(lake.con, folder, current, fp)
        else:
            new = _incremental(lake.con, folder, old, added, current, fp)
    finally:
        lake.close()
    _write_manifest(folder, new)
    _clean(folder, keep=new.snapshot)
    return folder / new.snapshot


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest if it and the snapshot it names are readable and agree on the row count; else None."""
    try:
        manifest = Manifest(**json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
        if pq.read_metadata(folder / manifest.snapshot).num_rows != manifest.rows:
            return None
    except Exception:  # missing, half-written by hand, or a snapshot that is gone or corrupt: rebuild
        return None
    return manifest


def _sized(files: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for table, paths in files.items():
        out[table] = {}
        for p in paths:
            try:
                out[table][p] = os.stat(p).st_size
            except FileNotFoundError:  # compacted away since it was listed: the listing is stale, rebuild
                out[table][p] = -1
    return out


def _added(old: Manifest, current: dict[str, dict[str, int]]) -> dict[str, list[str]] | None:
    """Files added since `old` per table, or None when any file of `old` is gone or changed (full rebuild)."""
    added = {}
    for table in DEPENDS_ON:
        before, now = old.files.get(table, {}), current[table]
        if any(now.get(p) != size for p, size in before.items()) or -1 in now.values():
            return None
        added[table] = [p for p in now if p not in before]
    return added


def _full(con: duckdb.DuckDBPyConnection, folder: Path, current: dict, fp: str) -> Manifest:
    name = _write_snapshot(con, folder, "select * from order_facts order by placed_at, order_id")
    return Manifest(name, current, fp, _rows(folder / name))


def _incremental(con: duckdb.DuckDBPyConnection, folder: Path, old: Manifest, added: dict[str, list[str]],
                 current: dict, fp: str) -> Manifest:
    """Old rows of untouched orders, then the touched orders recomputed from the lake restricted to them."""
    _touched(con, added)
    _restrict(con, current)
    recomputed = con.execute("select count(*) from touched").fetchone()[0]
    old_path = (folder / old.snapshot).as_posix().replace("'", "''")
    name = _write_snapshot(con, folder, f"""
        select * from read_parquet('{old_path}') where order_id not in (select order_id from touched)
        union all (select * from order_facts order by placed_at, order_id)""")
    return Manifest(name, current, fp, _rows(folder / name), "incremental", recomputed)


def _touched(con: duckdb.DuckDBPyConnection, added: dict[str, list[str]]) -> None:
    """Temp tables of the orders the added files touch, and of the exception and action keys among them.

    An exception or action row names its order; a new version of it touches every order any version named.
    """
    def ids(table: str, column: str) -> str:
        files = added[table]
        return f"select {column} from ({lakedb.files_select(TABLES[table], files)})" if files else \
            f"select null::varchar as {column} where false"

    con.execute(f"""create temp table touched_exc as {ids('exceptions', 'exception_id')};
        create temp table touched_act as {ids('actions', 'action_id')};
        create temp table touched as select distinct order_id from (
            {ids('orders', 'order_id')} union all {ids('order_events', 'order_id')}
            union all select order_id from lake_exceptions where exception_id in (select * from touched_exc)
            union all select order_id from lake_actions where action_id in (select * from touched_act))
        where order_id is not null;
        create or replace temp table touched_exc as
            select distinct exception_id from lake_exceptions where order_id in (select order_id from touched);
        create or replace temp table touched_act as
            select distinct action_id from lake_actions where order_id in (select order_id from touched)""")


def _restrict(con: duckdb.DuckDBPyConnection, current: dict[str, dict[str, int]]) -> None:
    """Re-point the lake views at the touched orders' rows only; every view above them follows."""
    keys = {"orders": ("order_id", "touched"), "order_events": ("order_id", "touched"),
            "exceptions": ("exception_id", "touched_exc"), "actions": ("action_id", "touched_act")}
    for table, (column, ids) in keys.items():
        if current[table]:  # a table without files is an empty table already
            source = lakedb.files_select(TABLES[table], list(current[table]))
            con.execute(f"create or replace view lake_{table} as {source} "
                        f"where {column} in (select {column} from {ids})")


def _write_snapshot(con: duckdb.DuckDBPyConnection, folder: Path, query: str) -> str:
    """COPY the query to a hidden temp file, fsync, rename to a unique snapshot name; returns that name."""
    name = f"facts-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.parquet"
    tmp = folder / f".tmp-{name}"
    con.execute(f"copy ({query}) to '{tmp.as_posix()}' (format parquet, compression zstd)")
    _fsync(tmp)
    os.replace(tmp, folder / name)
    return name


def _write_manifest(folder: Path, manifest: Manifest) -> None:
    tmp = folder / f".tmp-{uuid.uuid4().hex}-{MANIFEST}"
    tmp.write_text(json.dumps(manifest.__dict__), encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, folder / MANIFEST)
    _fsync(folder)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _rows(path: Path) -> int:
    return pq.read_metadata(path).num_rows


def _clean(folder: Path, keep: str) -> None:
    """Remove replaced snapshots and crashed writers' temp files once no reader can still be loading them."""
    cutoff = time.time() - GRACE_S
    for path in folder.iterdir():
        if path.name not in (keep, MANIFEST) and path.suffix in (".parquet", ".json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except FileNotFoundError:  # another process cleaned it first
                pass
