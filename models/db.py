"""A fresh in-memory DuckDB over the lake, with the views every reader shares.

Each process (console, ingest, e-mail job) opens its own connection: the lake is plain files, so nobody
holds a lock another process needs. The views and KPI macros are built by `models.views` (layered there);
`materialize=True` points `order_facts`, `exception_facts` and the rollups at the persisted mart of
`models/facts_mart.py`.

A file whose Parquet footer cannot be read is left out and reported in `LakeConnection.problems`, so
one corrupt file never takes the console down.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from typing import TypeVar

import duckdb

from models import facts_mart, lake, lookup_keys
from models.schema import TABLES
from models.settings import Settings, load_settings
from models.views import SQL_DIR, LakeConnection, files_select, open_views, readable_files

__all__ = ["SQL_DIR", "LakeConnection", "connect", "files_select", "lake_version", "open_views", "readable_files",
           "retry_vanished", "vanished"]

log = logging.getLogger(__name__)
# duckdb 2.0's DataFrame export still calls a pandas 3.1-deprecated argument; the warning is not ours to fix.
warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop is deprecated")
T = TypeVar("T")


def vanished(exc: BaseException) -> bool:
    """Did a query fail because a listed file is gone (compaction merged it away after we listed it)?"""
    if isinstance(exc, FileNotFoundError):  # an object gone before its copy was cached (models.objectstore)
        return True
    return isinstance(exc, duckdb.IOException) and any(
        m in str(exc) for m in ("No such file or directory", "No files found that match"))


def retry_vanished(fn: Callable[[], T], within_s: float = 60.0) -> T:
    """Run `fn`, again while it fails because it read a file compaction removed meanwhile, for up to
    `within_s` seconds.

    Compaction writes the merged file before it removes the old ones, so listing the lake again always
    finds every row: the retry sees the same results, never a gap. A run of compactions (every table and
    month, as `ingest serve` does when it starts) can outpace a few quick retries, so they back off and
    give up only after `within_s`, not after a count. The same file missing twice in a row is not compaction
    (a fresh listing no longer names a file it removed): that error is raised at once.
    """
    deadline, pause, last = time.monotonic() + within_s, 0.05, ""
    while True:
        try:
            return fn()
        except (duckdb.IOException, FileNotFoundError) as exc:
            if not vanished(exc) or str(exc) == last or time.monotonic() + pause > deadline:
                raise
            last = str(exc)
            log.info("a lake file vanished while reading (compaction); listing again: %s", exc)
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


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
        try:
            mart = facts_mart.refresh(settings, files)
            if mart.facts:  # else an empty lake: the live views are as cheap
                db.con.execute("alter view order_facts rename to order_facts_live")
                db.con.execute(f"create view order_facts as select * from {facts_mart.read_sql(mart.facts)}")
                db.con.execute("create or replace view exception_facts as "
                               f"select * from {facts_mart.read_sql(mart.exceptions)}")
                if mart.quality:  # the completeness rollup (models/sql/rollups.sql), kept per month
                    db.con.execute("create or replace view quality_rollup as "
                                   f"select * from {facts_mart.read_sql(mart.quality)}")
                if mart.keys:  # the lookup key index (models/lookup_keys.py): all months, and each month
                    db.con.execute(f"create view lookup_keys as select * from {facts_mart.read_sql(mart.keys)}")
                    for month, paths in mart.key_months.items():
                        db.con.execute(f"create view {lookup_keys.month_view(month)} as "
                                       f"select * from {facts_mart.read_sql(paths)}")
        except BaseException:
            db.close()
            raise
    for p in problems:
        log.warning("left out of the views: %s", p)
    return db


def lake_version(settings: Settings | None = None) -> str:
    """Changes whenever a file appears or disappears: the cache key that makes new data show up. It names
    the lake's folder too, so two lakes never share a cached connection (two empty lakes looked equal)."""
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
    return f"{settings.lake_dir.resolve()}:{count}-{size}-{newest}"
