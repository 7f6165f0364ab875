"""A read-only SQL box over the lake views for analysts.

    box = Sandbox(settings)
    df = box.query("select channel, count(*) from orders group by all")

Defence in layers: (1) the statement must be one SELECT (or WITH … SELECT) and may not name a file-reading
function; (2) the connection is its own, built with the lake views first and then locked down:
`allowed_directories` = the lake only (the views read Parquet there), `enable_external_access = false`
(DuckDB 2.0 still runs views over read_parquet of allowed directories; anything else, COPY, ATTACH, INSTALL
included, fails with a permission error) and `lock_configuration = true` so a query cannot undo it;
(3) at most ROW_LIMIT rows and TIME_LIMIT seconds (a timer interrupts the query).
"""

from __future__ import annotations

import re
import threading

import duckdb
import pandas as pd

from models.db import connect
from models.settings import Settings

ROW_LIMIT = 10_000
TIME_LIMIT = 10.0
FILE_FUNCTIONS = re.compile(r"\b(read_\w+|glob|parquet_\w+|sniff_csv|query_table|query)\s*\(", re.I)


class SandboxError(ValueError):
    """The query was refused or failed; the message says why and what to do."""


def check(sql: str) -> str:
    """The one SELECT statement in `sql`, or SandboxError saying what is not allowed."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise SandboxError(f"The query does not parse: {exc}") from exc
    if len(statements) != 1:
        raise SandboxError(f"Write exactly one SELECT statement (found {len(statements)}).")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise SandboxError(f"Only SELECT (or WITH … SELECT) queries are allowed here; this is {kind.name}.")
    found = FILE_FUNCTIONS.search(sql)
    if found:
        raise SandboxError(f"{found.group(1)}() reads files directly; query the lake views "
                           "(orders, order_events, order_facts, …) instead.")
    return statements[0].query


class Sandbox:
    """One locked-down DuckDB connection over the lake; each query runs on its own cursor."""

    def __init__(self, settings: Settings, row_limit: int = ROW_LIMIT, time_limit: float = TIME_LIMIT) -> None:
        self.row_limit, self.time_limit = row_limit, time_limit
        self.db = connect(settings)
        lake = str(settings.lake_dir.resolve()).rstrip("/") + "/"
        con = self.db.con
        con.execute("set allowed_directories = $dirs", {"dirs": [lake]})
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")

    def query(self, sql: str) -> tuple[pd.DataFrame, bool]:
        """Rows of the query (at most row_limit) and whether more were cut off."""
        body = check(sql)
        cursor = self.db.con.cursor()
        timer = threading.Timer(self.time_limit, cursor.interrupt)
        timer.start()
        try:
            df = cursor.execute(f"select * from ({body}) limit {self.row_limit + 1}").df()
        except duckdb.InterruptException as exc:
            raise SandboxError(f"The query ran longer than {self.time_limit:g} s and was stopped; "
                               "add filters or aggregate first.") from exc
        except duckdb.Error as exc:
            raise SandboxError(f"The query failed: {exc}") from exc
        finally:
            timer.cancel()
            cursor.close()
        return df.head(self.row_limit), len(df) > self.row_limit

    def close(self) -> None:
        self.db.close()
