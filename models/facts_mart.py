"""The persisted `order_facts` mart: a rebuildable cache under `<data>/marts/order_facts/`, refreshed incrementally.

Why: computing `order_facts` from the lake costs time in proportion to the whole lake (every event pivoted,
every order version deduped), and ingest adds files every few minutes. The mart keeps the last result as
Parquet, one file per *part* (sorted by `placed_at`, so a scoped query reads only its dates' row groups),
plus a JSON manifest of the lake files (path, size) and settings it reflects. A part is a month the orders
were placed in ('2026-02'), but in the newest month a day ('2026-03-14'): that is where ingest's batches
land, and a refresh rewrites the parts its orders are in, so a batch costs its days, not its month
(bench/results.md, at 10 M orders). When a newer month starts, the month before is merged into one part
again (once), so the files stay few. Beside each part's facts file, written whenever it is: its
`exception_facts` (each exception of its orders with its order's dimensions, sorted by `detected_at`), its
lookup keys (models/lookup_keys.py) and its additive rollups (sql/rollups.sql: the Data quality page's
completeness counts, so that a page grouping the whole lake sums them instead of reading every order).

A refresh recomputes only the orders the added files touch, reading only the lake rows they can be in
(from `events_from` the earliest one's placing: 7 days before it, models/sql/views.sql), and rewrites only
the snapshot parts those orders are in: its cost follows the batch and the recent days, not the lake. A
compaction re-points the mart at the merged files (they name the files they replace; no fact changes). A
file removed or changed otherwise, a settings or code change, or a missing or unreadable mart means a full
rebuild, done one month placed at a time so that its memory follows a month, not the lake. The mart is not
part of the lake: deleting the folder only costs one rebuild.

Writes are atomic (temp file, fsync, rename; the manifest last), so a reader sees the old mart or the new
one, never half of one. When the lake is on object storage the mart is shared through the bucket
(models/mart_bucket.py: files as objects written once, the manifest committed with a conditional write),
and this folder is each machine's local copy of it. Files a manifest stops naming are deleted GRACE_S
later (a reader may still be reading them). Processes refreshing at once each write their own files; the
last manifest rename wins and both are correct for the lake files they list.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from models import atomic, filelock, lake, lookup_keys, mart_bucket, objectstore
from models import views as lakedb
from models.schema import TABLES
from models.settings import Settings

DEPENDS_ON = ("orders", "order_events", "exceptions", "actions", "settlements")
MANIFEST = "manifest.json"
GRACE_S = 600  # an old snapshot stays this long after it is replaced: a reader may be loading it
# A full build pivots every event: DuckDB spills to <mart>/.spill beyond this instead of growing with the lake.
# It was 1 GB, with 1.5 GB for the lookup key files' statement alone (a month of 1.2-1.3 M orders ran out of
# 1 GB there), so the build's peak was already 1.8 GB; a month's pivot under 1 GB spilled 2 GB to disk (at
# 10 M orders, 67 GB over the build). One cap of 1.5 GB for every statement: a month 44.5 → 32.8 s, the same
# peak (bench/results.md).
MEMORY_LIMIT = "1536MB"
# Read from `events_from` the touched orders' placings on (_restrict): the lake tables that grow with the orders.
BIG = ("orders", "order_events", "settlements")
NO_PLACINGS = "select null::varchar as order_id, null::timestamptz as placed_at where false"
# 9: settlement lines per order in order_facts (the mart reads settlements); 8: shipments, tracking numbers
# and refund amounts in order_facts; 7: buyer_id in order_facts; 6: the newest
# month in parts by day, exception facts per part; 5: a lookup key file beside each month's file; 4: lake files
# by path inside the lake; 3: one order_facts file per month placed and one exception_facts file
LAYOUT = 9
# A snapshot file's month: placed_at's, in UTC (the refresh connection's zone).
MONTH = "coalesce(strftime(placed_at, '%Y-%m'), 'none')"


@dataclass(frozen=True)
class Manifest:
    """What a snapshot reflects: its files (part → file name: a month, or a day of the newest month), the lake
    files (table → path → size), settings, row count, and the files it replaced (name → when), deleted once no
    reader can need them."""

    parts: dict[str, str]
    files: dict[str, dict[str, int]]
    fingerprint: str
    rows: int
    mode: str = "full"  # how this snapshot was made: full | incremental | repointed (after a compaction)
    recomputed: int = 0  # orders recomputed to make it
    retired: dict[str, float] = field(default_factory=dict)
    exceptions: dict[str, str] = field(default_factory=dict)  # part → its exception_facts file
    exception_rows: int = 0
    keys: dict[str, str] = field(default_factory=dict)  # part → its lookup key file (models/lookup_keys.py)
    quality: dict[str, str] = field(default_factory=dict)  # part → its quality rollup file (sql/rollups.sql)
    rollups: str = ""  # the rollups_fingerprint() they were made with

    def paths(self, folder: Path) -> list[Path]:
        return [folder / name for _, name in sorted(self.parts.items())]

    def names(self) -> set[str]:
        return {*self.parts.values(), *self.keys.values(), *self.quality.values(), *self.exceptions.values()}


def mart_dir(settings: Settings) -> Path:
    return settings.data_dir / "marts" / "order_facts"


def fingerprint(settings: Settings) -> str:
    """Changes when anything besides the lake files changes the facts: rates, accuracy types, the SQL, schemas."""
    parts = [json.dumps(sorted(settings.fx_rates.items())), json.dumps(list(settings.accuracy_exception_types)),
             (lakedb.SQL_DIR / "views.sql").read_text(encoding="utf-8"), f"layout {LAYOUT}",
             *(str(TABLES[t].schema) + str(TABLES[t].key) for t in DEPENDS_ON)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def rollups_fingerprint() -> str:
    """Changes with the rollups' SQL: the rollups are then derived again from the month files, the facts kept."""
    return hashlib.sha256((lakedb.SQL_DIR / "rollups.sql").read_bytes()).hexdigest()


def read_sql(paths: list[Path]) -> str:
    """The `read_parquet(...)` expression that reads these (non-empty) snapshot files."""
    listing = ", ".join("'" + p.as_posix().replace("'", "''") + "'" for p in paths)
    return f"read_parquet([{listing}])"


@dataclass(frozen=True)
class Snapshot:
    """The files a reader reads: order_facts (one per part; none for an empty lake), exception_facts, the
    lookup keys (by month: the files of its parts) and the quality rollup (one per part)."""

    facts: list[Path]
    exceptions: list[Path]
    key_months: dict[str, list[Path]] = field(default_factory=dict)
    quality: list[Path] = field(default_factory=list)

    @property
    def keys(self) -> list[Path]:
        return [path for paths in self.key_months.values() for path in paths]


def snapshot(folder: Path, manifest: Manifest) -> Snapshot:
    keys: dict[str, list[Path]] = {}
    for part, name in sorted(manifest.keys.items()):
        keys.setdefault(_month_of(part), []).append(folder / name)
    quality = [folder / name for _, name in sorted(manifest.quality.items())]
    exceptions = [folder / name for _, name in sorted(manifest.exceptions.items())]
    return Snapshot(manifest.paths(folder), exceptions, keys, quality)


def refresh(settings: Settings, files: dict[str, list[str]] | None = None) -> Snapshot:
    """Bring the mart up to date with the lake (or with `files`, table → readable files); its files."""
    if files is None:
        files = {t: lakedb.readable_files(settings.lake_dir, t, []) for t in DEPENDS_ON}
    current = _sized({t: files.get(t, []) for t in DEPENDS_ON}, settings.lake_dir)
    gone = [p for paths in current.values() for p, size in paths.items() if size < 0]
    if gone:  # compacted away since the listing: building from it would fail late, so the caller lists again
        raise FileNotFoundError(f"{gone[0]} was merged away after the lake was listed")
    folder = mart_dir(settings)
    shared = objectstore.is_object(settings.lake_dir)
    folder.mkdir(parents=True, exist_ok=True)
    pulled = mart_bucket.pull(settings.lake_dir, folder, MANIFEST) if shared else 0
    old, fp = read_manifest(folder), fingerprint(settings)
    if _serves(old, fp, current, folder):
        return snapshot(folder, old)
    # One writer at a time (console sessions, `ingest serve`, the e-mail): the second finds the first's work
    # done instead of building the same months again beside it on the same two cores.
    with filelock.locked(folder / MANIFEST):
        return _refresh(settings, files, folder, current, fp, pulled)


def _refresh(settings: Settings, files: dict[str, list[str]], folder: Path, current: dict, fp: str, pulled: int
             ) -> Snapshot:
    old = read_manifest(folder)
    if _serves(old, fp, current, folder, settings.lake_dir):
        return snapshot(folder, old)
    shared = objectstore.is_object(settings.lake_dir)
    added = _added(old, current, settings.lake_dir) if old and old.fingerprint == fp else None
    if old is None or added is None:
        new = _full(settings, files, folder, current, fp)
    elif not any(added.values()):  # only compactions since (the same facts over other files), or rollups to make
        moved = old if old.files == current else replace(old, files=current, mode="repointed", recomputed=0)
        new = _with_rollups(settings, files, folder, moved)
    else:
        with _opened(settings, files, folder) as con:
            new = _incremental(con, folder, old, added, current, files)
    new = _retire(old, new)
    _write_manifest(folder, new)
    if shared:
        mart_bucket.publish(settings.lake_dir, folder, new.__dict__, new.names(), pulled, GRACE_S)
    _clean(folder, new)
    return snapshot(folder, new)


def _serves(old: Manifest | None, fp: str, current: dict[str, dict[str, int]], folder: Path,
             lake_dir: Path | None = None) -> bool:
    """Is the mart `old` up to date for the listing `current`? Given the lake, a mart of a later listing also
    serves (every file of `current` in it unchanged, and its other files still in the lake, so none was
    removed since): a writer that waited for the lock while another refreshed past its listing takes that
    work instead of rebuilding everything to go back in time."""
    if old is None or old.fingerprint != fp or _unrolled(folder, old):
        return False
    if old.files == current:
        return True
    if lake_dir is None or any(old.files.get(t, {}).get(p) != size for t, paths in current.items()
                               for p, size in paths.items()):
        return False
    later = [p for t, paths in old.files.items() for p in paths if p not in current.get(t, {})]
    return all(_in_lake(lake_dir, p) for p in later)


def _in_lake(lake_dir: Path, inside: str) -> bool:
    try:
        objectstore.to_path(lake_dir / inside).stat()
    except FileNotFoundError:
        return False
    return True


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest if it and the files it names are readable and agree on the row count; else None."""
    try:
        manifest = Manifest(**json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
        if sum(_rows(p) for p in manifest.paths(folder)) != manifest.rows or \
                sum(_rows(folder / n) for n in manifest.exceptions.values()) != manifest.exception_rows or \
                set(manifest.keys) != set(manifest.parts) or set(manifest.exceptions) != set(manifest.parts) or \
                not all((folder / name).exists() for name in manifest.keys.values()):
            return None
    except Exception:  # missing, from an older layout, half-written by hand, or a snapshot gone or corrupt: rebuild
        return None
    return manifest


def _sized(files: dict[str, list[str]], lake_dir: Path) -> dict[str, dict[str, int]]:
    """Each file's size by its path inside the lake (so a data dir moved or copied whole keeps its mart)."""
    out: dict[str, dict[str, int]] = {}
    for table, paths in files.items():
        out[table] = {}
        for p in paths:
            try:
                out[table][lake.inside(p, lake_dir)] = objectstore.to_path(p).stat().st_size
            except FileNotFoundError:  # compacted away since it was listed: the listing is stale
                out[table][p] = -1
    return out


def _added(old: Manifest, current: dict[str, dict[str, int]], lake_dir: Path) -> dict[str, list[str]] | None:
    """Files added since `old` per table (their paths), or None when a file of `old` is gone or changed and
    no compaction explains it (full rebuild).

    A compacted file names the files it merged (models/lake.with_replaced); when all of them were in `old`,
    the snapshot already reflects its rows and it is not 'added': the mart re-points at it. When some were
    added since, it is added (its orders are recomputed, which is always right)."""
    added = {}
    for table in DEPENDS_ON:
        before, now = dict(old.files.get(table, {})), current[table]
        new = [p for p in now if p not in before]
        gone = any(q not in now for q in before)
        for p in now if gone else ():  # footers read only after a compaction (or a crash in one)
            merged = lake.replaced_by(lake_dir / p, lake_dir)
            if p in new and merged and all(before.get(q) == size for q, size in merged.items()):
                new.remove(p)  # only rows the snapshot has: re-pointed
            for q, size in merged.items():
                if before.get(q) == size and q not in now:
                    del before[q]  # gone, but its rows live on in p
        if any(now.get(p) != size for p, size in before.items()):
            return None
        added[table] = [(lake_dir / p).as_posix() for p in new]
    return added


@contextmanager
def _opened(settings: Settings, files: dict[str, list[str]], folder: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection over the lake whose memory is capped: beyond it, DuckDB spills under the mart folder, in a
    directory of its own (the console and `ingest serve` refresh side by side; DuckDB names its spill files
    alike in every process and removes them on close)."""
    spill_root = folder / ".spill"
    spill_root.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=spill_root) as spill:
        db = lakedb.open_views(settings, files)
        try:
            db.con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
            db.con.execute(f"set temp_directory = '{Path(spill).as_posix()}'")
            yield db.con
        finally:
            db.close()


def _full(settings: Settings, files: dict[str, list[str]], folder: Path, current: dict, fp: str) -> Manifest:
    """Every order computed from the lake one month placed at a time, so memory follows a month, not the lake:
    the orders in that month's order files, from their rows and events (from `events_from` the first placing
    on), as a refresh recomputes touched orders, written as the month's parts. An order whose placing was
    corrected is in two months' files; it is kept in the month it is placed in now."""
    newest = ""
    written: dict[str, Part] = {}
    # newest month first ('none' sorts before them): the first that holds an order is the one kept in days
    for month in sorted({_partition(p) for p in files.get("orders", [])}, reverse=True):
        added = {**{t: [] for t in DEPENDS_ON}, "orders": [p for p in files["orders"] if _partition(p) == month]}
        with _opened(settings, files, folder) as con:
            _touched(con, added, "lake_orders")  # every version's placing, before the views are narrowed
            _restrict(con, files)
            con.execute(f"create temp table fresh as select * from order_facts where {_in_month(month)}")
            if not newest and month != "none" and con.execute("select count(*) from fresh").fetchone()[0]:
                newest = month
            part = _part_sql(newest)
            for (name,) in con.execute(f"select distinct {part} from fresh").fetchall():
                if made := _write_part(con, folder, part, name, None):
                    written[name] = made
    return _with_rollups(settings, files, folder, _manifest(folder, written, current, fp))


def _incremental(con: duckdb.DuckDBPyConnection, folder: Path, old: Manifest, added: dict[str, list[str]],
                 current: dict, files: dict[str, list[str]]) -> Manifest:
    """Recompute the orders the added files touch, reading only the lake months they can be in; rewrite only
    the snapshot parts those orders are in, each as the part's untouched old rows plus the recomputed ones.

    When the newest month changes (its first order arrives), the month that was newest is merged from its days
    into one part (and, the other way, a month that became the newest again is split): its parts are all
    written, from all its old files."""
    _touched(con, added, read_sql(old.paths(folder)) if old.parts else "")
    _restrict(con, files)
    con.execute("create temp table fresh as select * from order_facts")
    newest = _newest_placed(con, folder, old)
    part = _part_sql(newest)
    reshaped = {_month_of(p) for p in old.parts if _is_day(p) != (_month_of(p) == newest)}
    regrouped = [folder / old.parts[p] for p in old.parts if _month_of(p) in reshaped]
    wanted = {p for (p,) in con.execute(
        f"select distinct {part} from (select placed_at from touched_placings union all select placed_at from fresh"
        + (f" union all select placed_at from {read_sql(regrouped)}" if regrouped else "") + ")").fetchall()}
    recomputed = con.execute("select count(*) from touched").fetchone()[0]
    kept = {p: Part(old.parts[p], old.keys[p], old.exceptions[p], old.quality.get(p))
            for p in old.parts if _month_of(p) not in reshaped}
    for name in sorted(wanted):
        month = _month_of(name)
        sources = [p for p in old.parts if p == name or (month in reshaped and _month_of(p) == month)]
        kept.pop(name, None)
        if made := _write_part(con, folder, part, name, [Part(old.parts[p], old.keys[p], old.exceptions[p])
                                                         for p in sources], reshaped=month in reshaped):
            kept[name] = made
        # else every order of the part moved out of it (a corrected placing time)
    new = replace(_manifest(folder, kept, current, old.fingerprint), mode="incremental", recomputed=recomputed,
                  rollups=old.rollups)
    return _with_rollups(None, files, folder, new, con)


@dataclass(frozen=True)
class Part:
    """A part's files (names in the mart folder): facts, lookup keys, exception facts, quality rollup."""

    facts: str
    keys: str
    exceptions: str
    quality: str | None = None  # None: to be made (models/sql/rollups.sql) from the facts file


def _manifest(folder: Path, parts: dict[str, Part], current: dict, fp: str) -> Manifest:
    """The manifest naming these parts (rollups still to make for those without one)."""
    def count(files: list[str]) -> int:
        return sum(_rows(folder / n) for n in files)

    return Manifest({p: f.facts for p, f in parts.items()}, current, fp, count([f.facts for f in parts.values()]),
                    exceptions={p: f.exceptions for p, f in parts.items()},
                    exception_rows=count([f.exceptions for f in parts.values()]),
                    keys={p: f.keys for p, f in parts.items()},
                    quality={p: f.quality for p, f in parts.items() if f.quality})


def _write_part(con: duckdb.DuckDBPyConnection, folder: Path, part_sql: str, part: str, old: list[Part] | None,
                reshaped: bool = False) -> Part | None:
    """The files of the part named `part` (`part_sql` of placed_at: _part_sql): the rows of the `old` parts'
    files that are in it and whose order was not recomputed, and the recomputed orders (`fresh`) in it; None
    when it holds no order. The old rows are filtered by part only when their month is `reshaped` (merged
    from days or split into them); an old part's own file holds nothing else.

    Exceptions of untouched orders keep their row (their order's dimensions did not change); every exception
    of a touched order is in touched_exc and is joined again with the recomputed order."""
    in_part = f"{part_sql} = '{part}'"
    con.execute(f"create or replace temp view fresh_part as select * from fresh where {in_part}")
    keep = f"where order_id not in (select order_id from touched){f' and {in_part}' if reshaped else ''}"
    facts = "select * from fresh_part"
    if old:
        facts = f"select * from {read_sql([folder / p.facts for p in old])} {keep} union all {facts}"
    path = _write_file(con, folder, f"select * from ({facts}) order by placed_at, order_id")
    if not _rows(path):
        path.unlink()
        return None
    kept_keys = f"(select * from {read_sql([folder / p.keys for p in old])} {keep})" if old else None
    keys = _write_keys(con, folder, part, "fresh_part", kept_keys)
    exceptions = _exception_facts("fresh_part")
    if old:
        mine = f" and order_id in (select order_id from read_parquet('{_q(path)}'))" if reshaped else ""
        exceptions = f"""select * from {read_sql([folder / p.exceptions for p in old])}
            where exception_id not in (select exception_id from touched_exc){mine} union all {exceptions}"""
    exceptions_path = _write_file(con, folder, f"select * from ({exceptions}) order by detected_at", "exceptions")
    return Part(path.name, keys.name, exceptions_path.name)


def _touched(con: duckdb.DuckDBPyConnection, added: dict[str, list[str]], placings: str) -> None:
    """Temp tables of the orders the added files touch, when each was placed (every placing `placings` — a
    table of order_id, placed_at: the old snapshot, or every order version — and the added order rows know),
    and the exception and action keys among them.

    An exception or action row names its order; a new version of it touches every order any version named.
    """
    def ids(table: str, column: str) -> str:
        files = added[table]
        return f"select {column} from ({lakedb.files_select(TABLES[table], files)})" if files else \
            f"select null::varchar as {column} where false"

    placed_new = f"select order_id, placed_at from ({lakedb.files_select(TABLES['orders'], added['orders'])})" \
        if added["orders"] else NO_PLACINGS
    placed_old = f"select order_id, placed_at from {placings}" if placings else NO_PLACINGS
    con.execute(f"""create temp table touched_exc as {ids('exceptions', 'exception_id')};
        create temp table touched_act as {ids('actions', 'action_id')};
        create temp table touched as select distinct order_id from (
            {ids('orders', 'order_id')} union all {ids('order_events', 'order_id')}
            union all {ids('settlements', 'order_id')}
            union all select order_id from lake_exceptions where exception_id in (select * from touched_exc)
            union all select order_id from lake_actions where action_id in (select * from touched_act))
        where order_id is not null;
        create temp table touched_placings as select distinct order_id, placed_at from (
            {placed_old} union all {placed_new}) where order_id in (select order_id from touched);
        create or replace temp table touched_exc as
            select distinct exception_id from lake_exceptions where order_id in (select order_id from touched);
        create or replace temp table touched_act as
            select distinct action_id from lake_actions where order_id in (select order_id from touched)""")


def _restrict(con: duckdb.DuckDBPyConnection, files: dict[str, list[str]]) -> None:
    """Copy the touched orders' rows into temp tables and re-point the lake views at them; every view above
    them follows.

    Orders, events and settlement lines are the big tables (BIG): only their rows from `events_from` the
    earliest touched order's placing on are read (models/sql/views.sql: 7 days before it; an order's rows,
    events and payouts are not older than its placing, less clocks that disagree; order_facts counts a
    settlement line from there on, so a refresh and a full build agree): the month partitions from then on,
    and in them the row groups whose partitioning time reaches it (Parquet statistics). It was "the month
    before": at 10 M orders that read two months' order and event files for a batch of the last hour's
    orders. Exceptions and actions are small and read whole. The rows are read once: order_facts reads the
    events six times over (at 10 M orders 1.5 s of a refresh's 3 s went to reading the event files again
    and again for 3,000 orders, and a full build's month took 36–45 s through the views against 26–34 s
    copied; DuckDB spills a month's temp tables past the connection's memory cap, so peak memory stayed at
    1.2 GB).
    """
    # The touched ids are the hash join's build side, the lake rows its probe: DuckDB's optimizer sometimes
    # swaps them for a month's orders (at 10 M: a hash table of 59 M event rows, 23 s instead of 1 s, and no
    # row group skipped by the ids' range), so the swap is off for these statements.
    con.execute("set disabled_optimizers = 'build_side_probe_side'")
    try:
        _copy_touched_rows(con, files)
    finally:
        con.execute("reset disabled_optimizers")


def _copy_touched_rows(con: duckdb.DuckDBPyConnection, files: dict[str, list[str]]) -> None:
    since_at = con.execute("select min(events_from(placed_at)) from touched_placings").fetchone()[0]
    since = _month(since_at) if since_at is not None else "9999-12"  # no order row anywhere: no facts
    keys = {"orders": ("order_id", "touched"), "order_events": ("order_id", "touched"),
            "settlements": ("order_id", "touched"),
            "exceptions": ("exception_id", "touched_exc"), "actions": ("action_id", "touched_act")}
    for table, (column, ids) in keys.items():
        paths = files.get(table, [])
        if not paths:  # a table without files is an empty table already
            continue
        big = table in BIG
        kept = [p for p in paths if _partition(p) >= since] if big else paths
        source = lakedb.files_select(TABLES[table], kept or paths[:1])  # one file for the columns when none is kept
        stamped = TABLES[table].partition_by
        recent = f"coalesce({stamped} >= '{since_at.isoformat()}'::timestamptz, true)" if big and kept else "true"
        rows = f"select * from ({source}) where {'true' if kept else 'false'} and {recent} " \
               f"and {column} in (select {column} from {ids})"
        con.execute(f"create or replace temp table restricted_{table} as {rows}")
        con.execute(f"create or replace view lake_{table} as select * from restricted_{table}")


def _write_keys(con: duckdb.DuckDBPyConnection, folder: Path, part: str, facts: str, kept: str | None = None
                ) -> Path:
    """The part's lookup key file (models/lookup_keys.py): the keys of the orders in `facts` (their phones
    from every version in lake_orders), plus the rows `kept` (of orders not recomputed)."""
    query = lookup_keys.rows_sql(facts, "lake_orders")
    if kept:
        query = f"select {lookup_keys.ROW_COLUMNS} from {kept} union all {query}"
    # A month of 1.2-1.3 M orders (3.7-3.8 M keys: a shop of 40,000 orders a day) ran out of a 1 GB cap here:
    # the sort, the block window and the ordered write each hold a share. So this statement does not ask DuckDB
    # to keep insertion order besides the file's own ORDER BY (which keeps the rows in key order;
    # tests/models/test_lookup_index.py checks the files).
    con.execute("set preserve_insertion_order = false")
    try:
        return _write_file(con, folder, lookup_keys.file_sql(query, part), "keys")
    finally:
        con.execute("reset preserve_insertion_order")


def _unrolled(folder: Path, manifest: Manifest) -> list[str]:
    """The parts whose rollup is to be made: none yet (a new or rewritten part file, or a mart from before
    the rollups), gone, or made by other rollup SQL."""
    same_sql = manifest.rollups == rollups_fingerprint()
    return [p for p in sorted(manifest.parts) if not same_sql or p not in manifest.quality
            or not (folder / manifest.quality[p]).exists()]


def _with_rollups(settings: Settings | None, files: dict[str, list[str]], folder: Path, manifest: Manifest,
                  con: duckdb.DuckDBPyConnection | None = None) -> Manifest:
    """`manifest` with a rollup file (models/sql/rollups.sql) for every part: those `_unrolled` names are made
    from the part's facts file, whole, so a rollup is remade with its part, never patched, and a change of
    the rollups' SQL costs a read of the part files (seconds), not a rebuild. A connection is opened (over
    `settings`' lake) only when some are to be made and `con` is None."""
    missing = _unrolled(folder, manifest)
    if missing and con is None:
        with _opened(settings, files, folder) as own:
            return _with_rollups(settings, files, folder, manifest, own)
    quality = {p: n for p, n in manifest.quality.items() if p in manifest.parts and p not in missing}
    for part in missing:
        con.execute(f"create or replace temp view part_facts as "
                    f"select * from read_parquet('{_q(folder / manifest.parts[part])}')")
        quality[part] = _write_file(con, folder, "select * from quality_rollup_of('part_facts')", "quality").name
    return replace(manifest, quality=quality, rollups=rollups_fingerprint())


def _exception_facts(orders: str) -> str:
    """The exception_facts view (models/sql/views.sql) with `orders` in place of order_facts."""
    return f"select e.*, o.channel, o.shop_id, o.warehouse from exceptions e join {orders} o using (order_id)"


def _partition(path: str) -> str:
    """'2026-01' for a lake file under month=2026-01/ (the lake's layout, models.lake)."""
    return Path(path).parent.name.removeprefix("month=")


def _month(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m")


def _in_month(month: str) -> str:
    return f"{MONTH} = '{month}'"


def _newest_placed(con: duckdb.DuckDBPyConnection, folder: Path, old: Manifest) -> str:
    """The newest month any order will be placed in once `fresh` replaces the touched orders ('' when none is
    placed): the month kept in parts by day."""
    fresh = {m for (m,) in con.execute(f"select distinct {MONTH} from fresh").fetchall()}
    for month in sorted({*map(_month_of, old.parts), *fresh} - {"none"}, reverse=True):
        if month in fresh:
            return month
        files = [folder / name for p, name in old.parts.items() if _month_of(p) == month]
        if con.execute(f"select count(*) from {read_sql(files)} "
                       "where order_id not in (select order_id from touched)").fetchone()[0]:
            return month
    return ""


def _part_sql(newest: str) -> str:
    """A row's part from its placed_at: its day in the `newest` month, else its month (MONTH)."""
    if not newest:
        return MONTH
    return f"case when strftime(placed_at, '%Y-%m') = '{newest}' then strftime(placed_at, '%Y-%m-%d') else {MONTH} end"


def _month_of(part: str) -> str:
    """'2026-03' for the part '2026-03-14' or '2026-03' ('none' for orders without a placing)."""
    return part[:7]


def _is_day(part: str) -> bool:
    return len(part) == len("2026-03-14")


def _q(path: Path) -> str:
    return path.as_posix().replace("'", "''")


def _write_file(con: duckdb.DuckDBPyConnection, folder: Path, query: str, kind: str = "facts") -> Path:
    """COPY the query to a hidden temp file, fsync, rename to a unique snapshot file name; returns its path."""
    name = f"{kind}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.parquet"
    options = lookup_keys.PARQUET if kind == "keys" else "compression zstd"
    with atomic.replacing(folder / name) as tmp:
        con.execute(f"copy ({query}) to '{_q(tmp)}' (format parquet, {options})")
    return folder / name


def _retire(old: Manifest | None, new: Manifest) -> Manifest:
    """`new` with the files `old` named and `new` does not added to the retired list (kept for GRACE_S)."""
    retired = dict(old.retired) if old else {}
    now = time.time()
    for name in (old.names() if old else ()):
        if name not in new.names():
            retired.setdefault(name, now)
    return replace(new, retired={n: t for n, t in retired.items() if n not in new.names()})


def _write_manifest(folder: Path, manifest: Manifest) -> None:
    atomic.write_text(folder / MANIFEST, json.dumps(manifest.__dict__))


def _rows(path: Path) -> int:
    return pq.read_metadata(path).num_rows


def _clean(folder: Path, manifest: Manifest) -> None:
    """Remove files retired more than GRACE_S ago, and files no manifest names (a crashed or outpaced writer's)
    written more than GRACE_S ago: a reader that listed them before may still be reading them until then."""
    cutoff = time.time() - GRACE_S
    named = manifest.names()
    for path in folder.iterdir():
        if path.name in named or path.name == MANIFEST or path.suffix not in (".parquet", ".json"):
            continue
        retired_at = manifest.retired.get(path.name)
        try:
            if (retired_at if retired_at is not None else path.stat().st_mtime) < cutoff:
                path.unlink()
        except FileNotFoundError:  # another process cleaned it first
            pass
