"""Reading the current version of a few rows straight from the lake, and stamping the next version.

Edits need the newest version *now*, not the one a cached console connection saw minutes ago, so this
reads the table's files directly (one small DuckDB query) instead of going through models.db's views.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from models import lake
from models.schema import TABLES


class ConflictError(RuntimeError):
    """The record changed since the form was loaded; nothing was written. Says who changed it and when
    (`changed_by` None: no person, e.g. a new platform version or the rules), so the page can tell the user."""

    def __init__(self, subject: str, changed_by: str | None, changed_at: datetime, status: str | None = None):
        self.subject, self.changed_by, self.changed_at, self.status = subject, changed_by, changed_at, status
        who, now = changed_by or "an automatic process", f" (now {status})" if status else ""
        super().__init__(f"{subject} was changed by {who} at {changed_at:%Y-%m-%d %H:%M:%S} UTC{now} after you "
                         "loaded it; nothing was saved. Reload and check before editing.")


def conflict(lake_dir: Path, key: str, stamp: Any, expected: Any, status: str | None = None) -> ConflictError:
    """The refusal for `key`, now at version `stamp` while the form showed `expected`: names the person of the
    newest audit row on it if that row is newer than what the form showed, else an automatic process."""
    last = last_action(lake_dir, key)
    by_person = last is not None and (expected is None or as_utc(last["occurred_at"]) > as_utc(expected))
    at = as_utc(last["occurred_at"] if by_person else stamp)
    return ConflictError(key, last["user"] if by_person else None, at, status)


def latest(lake_dir: Path, table_name: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Key → current row (as a dict) of a single-key table, for the given keys that exist."""
    table = TABLES[table_name]
    (key,) = table.key
    files = [p.as_posix() for p in lake.data_files(lake_dir, table_name)]
    if not files or not ids:
        return {}
    order = ", ".join(f'"{c}" desc nulls last' for c in table.version_by)
    cols = ", ".join(f'"{c}"' for c in table.columns)
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        df = con.execute(
            f"select {cols} from read_parquet($files, hive_partitioning=false, union_by_name=true) "
            f"where \"{key}\" in (select unnest($ids::varchar[])) "
            f"qualify row_number() over (partition by \"{key}\" order by {order}) = 1",
            {"files": files, "ids": list(ids)},
        ).df()
    finally:
        con.close()
    return {row[key]: _plain_row(row) for row in df.to_dict("records")}


def last_action(lake_dir: Path, target_id: str) -> dict[str, Any] | None:
    """The newest audit row about `target_id` (who last changed it by hand, and when), None if none."""
    files = [p.as_posix() for p in lake.data_files(lake_dir, "actions")]
    if not files:
        return None
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        df = con.execute(
            "select \"user\", occurred_at from read_parquet($files, hive_partitioning=false, union_by_name=true) "
            "where target_id = $id order by occurred_at desc limit 1", {"files": files, "id": target_id}).df()
    finally:
        con.close()
    return None if df.empty else _plain_row(df.iloc[0].to_dict())


def _plain_row(row: dict[str, Any]) -> dict[str, Any]:
    """NaN/NaT → None and Timestamps → datetime, so rows can be written back and compared."""
    out = {}
    for k, v in row.items():
        if isinstance(v, pd.Timestamp):
            out[k] = v.to_pydatetime()
        elif not isinstance(v, list | tuple) and pd.isna(v):
            out[k] = None
        else:
            out[k] = v
    return out


def next_stamp(previous: datetime | None, now: datetime | None = None) -> datetime:
    """A version time after `previous` even if clocks disagree: max(now, previous + 1 µs)."""
    now = now or datetime.now(UTC)
    if previous is None:
        return now
    return max(now, previous + timedelta(microseconds=1))


def same_version(a: object, b: object) -> bool:
    """Do two version stamps (datetime, Timestamp or ISO text) name the same instant?"""
    if a is None or b is None:
        return a is None and b is None
    return pd.Timestamp(a) == pd.Timestamp(b)


def as_utc(stamp: object) -> pd.Timestamp:
    """A version stamp as an aware UTC Timestamp (naive stamps are UTC, as the lake writes them)."""
    ts = pd.Timestamp(stamp)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
