"""The SQL box's worker process: one query, in its own DuckDB, under hard limits, then exit.

    python -m models.analytics.sandbox_worker < request.pickle   # started by models.analytics.sandbox only

It reads a pickled `Request` from stdin, caps its own address space and file sizes (a backstop under
DuckDB's memory and temp-space limits), opens the lake views in the hidden `memory` catalog, defines only
the user's served views (`sandbox_views`) in the catalog the query runs in, locks the configuration, checks
the exact text it will run against the allow-list (`sql_guard`), and streams at most `max_rows` rows and
`max_bytes` bytes as Arrow IPC into `out`. Any failure is one line on stdout and exit status 1.
"""

from __future__ import annotations

import pickle
import resource
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from models.access import Access
from models.analytics import sandbox_views, sql_guard
from models.db import open_views
from models.settings import Settings

HIDDEN = "memory"  # the catalog with the unmasked lake views; qualified names are refused by sql_guard


@dataclass(frozen=True)
class Request:
    """Everything the worker needs; built by the console (trusted), never by the user."""

    settings: Settings
    files: dict[str, list[str]]
    sql: str
    role: str | None
    access: Access
    out: str
    temp_dir: str
    max_rows: int = 10_000
    max_bytes: int = 20 * 2**20
    memory_mb: int = 512
    temp_mb: int = 256
    address_space_mb: int = 3072


class ResultTooLarge(Exception):
    """More than max_bytes of result: the box refuses rather than ship it to the console."""


def limit_process(req: Request) -> None:
    """Hard caps the kernel enforces, whatever DuckDB does: address space, file size, no core dumps."""
    resource.setrlimit(resource.RLIMIT_AS, (req.address_space_mb * 2**20,) * 2)
    size = req.max_bytes + req.temp_mb * 2**20 + 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def open_box(req: Request) -> duckdb.DuckDBPyConnection:
    """The lake views in the hidden catalog, the served views in `box`, then the configuration locked."""
    con = open_views(req.settings, req.files).con
    con.execute("attach ':memory:' as box")
    con.execute("use box")
    for macro in sandbox_views.MASK_MACROS:
        con.execute(macro)
    for name, select in sandbox_views.served_sql(HIDDEN, req.role, req.access).items():
        con.execute(f'create view "{name}" as {select}')
    lake = str(Path(req.settings.lake_dir).resolve()).rstrip("/") + "/"
    for setting, value in (("threads", 1), ("memory_limit", f"{req.memory_mb}MB"), ("temp_directory", req.temp_dir),
                           ("max_temp_directory_size", f"{req.temp_mb}MB"), ("allowed_directories", [lake]),
                           ("enable_external_access", False), ("lock_configuration", True)):
        con.execute(f"set {setting} = $v", {"v": value})
    return con


def wrapped(req: Request) -> str:
    """The statement as it will run: the user's SELECT with a row limit one past the cap."""
    body = duckdb.extract_statements(req.sql)[0].query
    return f"select * from (\n{body}\n) limit {req.max_rows + 1}"


def run(req: Request) -> None:
    """Run the query and stream it into req.out, refusing past max_bytes."""
    con = open_box(req)
    sql = wrapped(req)
    sql_guard.check_query(sql, sandbox_views.served_names(req.role, req.access))
    reader = con.execute(sql).to_arrow_reader(1024)
    total = 0
    with pa.OSFile(req.out, "wb") as sink, pa.ipc.new_stream(sink, reader.schema) as writer:
        for batch in reader:
            total += batch.nbytes
            if total > req.max_bytes:
                raise ResultTooLarge(f"The result is larger than {req.max_bytes // 2**20} MB; select fewer "
                                     "columns or rows, or aggregate.")
            writer.write_batch(batch)


def one_line(exc: BaseException) -> str:
    """The first line of the error, without DuckDB's LINE/caret context."""
    if isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
        return "The query needs more memory than the SQL box allows; filter, aggregate or select fewer columns."
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return text[:300]


def main() -> int:
    req: Request = pickle.load(sys.stdin.buffer)
    limit_process(req)
    try:
        run(req)
    except (duckdb.Error, MemoryError, ResultTooLarge, sql_guard.GuardError, OSError) as exc:
        sys.stdout.write(one_line(exc))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
