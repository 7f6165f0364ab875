"""Vectorised helpers shared by the table builders: DuckDB expressions and Arrow timestamp columns.

`stable_hash_sql` reproduces models.ids.stable_hash inside DuckDB (sha256 → first 8 bytes → Crockford
base32), so demo order and event ids equal the ids real ingest would give the same rows, without a
Python call per row.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from models.schema import TS

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
UNIT = chr(31)


def with_stable_hash(source_sql: str, parts_sql: str, alias: str, length: int = 12) -> str:
    """`source_sql` plus a column equal to models.ids.stable_hash(*parts, length=length) per row.

    The hash number is computed once in an inner select (a correlated form is twice as slow).
    """
    number = f"('0x' || substr(sha256(concat_ws(chr(31), {parts_sql})), 1, 16))::ubigint"
    chars = [f"substr('{_CROCKFORD}', ((__n >> {5 * i}) & 31)::integer + 1, 1)" for i in range(length)]
    return (
        f"select * exclude (__n), {' || '.join(chars)} as {alias} "
        f"from (select *, {number} as __n from ({source_sql}))"
    )


def iso_sql(col: str) -> str:
    """datetime.isoformat() of a whole-second UTC timestamp column, as models.ids.event_id formats it."""
    return f"strftime({col}, '%Y-%m-%dT%H:%M:%S') || '+00:00'"


def ts_array(seconds: np.ndarray) -> pa.Array:
    """UTC seconds (float, NaN = null) as an Arrow timestamp[us, UTC] column."""
    missing = np.isnan(seconds)
    micros = np.where(missing, 0, np.round(seconds) * 1_000_000).astype(np.int64)
    return pa.array(micros, type=pa.int64(), mask=missing).cast(TS)


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"threads": "2"})
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")
    return con
