"""The read-only SQL box: one user's SELECT over the views served to them, in a separate process.

    box = Sandbox(settings)
    df, cut = box.query("select channel, count(*) from orders group by all", user)

Who may use it: roles with `query_sql`. What it serves: `sandbox_views` (masked for the role, filtered to
the user's access, no raw-version `lake_*` views, no files). What it allows: `sql_guard` (allow-lists
of tables and functions, parsed by DuckDB). Each query runs in a fresh worker process
(`sandbox_worker`) with DuckDB's memory, temp-space and thread limits, an address-space and file-size cap
from the kernel, and a wall clock: on time-out the console kills the process, which really stops it. The
result comes back as Arrow IPC through a private temp file, refused above `max_bytes`; the console's own
memory never holds more than that.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa

from models.access import Access
from models.analytics import sandbox_views, sql_guard
from models.analytics.sandbox_worker import Request
from models.db import readable_files
from models.schema import TABLES
from models.settings import Settings

ROW_LIMIT = 10_000
TIME_LIMIT = 10.0
MAX_BYTES = 20 * 2**20
ROOT = Path(__file__).resolve().parents[2]


class SandboxError(ValueError):
    """The query was refused or failed; the one-line message says why and what to do."""


class Sandbox:
    """Runs SQL box queries for the console; holds no connection, only the limits."""

    def __init__(self, settings: Settings, row_limit: int = ROW_LIMIT, time_limit: float = TIME_LIMIT,
                 max_bytes: int = MAX_BYTES) -> None:
        self.settings, self.row_limit, self.time_limit, self.max_bytes = settings, row_limit, time_limit, max_bytes

    def query(self, sql: str, role: str | None, access: Access) -> tuple[pd.DataFrame, bool]:
        """Rows of the query as this user may see them (at most row_limit) and whether more were cut off."""
        served = sandbox_views.served_names(role, access)
        if not served:
            raise SandboxError("Your role may not use the SQL box; ask an admin for the query_sql permission.")
        try:
            sql_guard.check_query(sql, served)
        except sql_guard.GuardError as exc:
            raise SandboxError(str(exc)) from exc
        work = Path(tempfile.mkdtemp(prefix="orderhub-sqlbox-"))
        try:
            table = self._run(Request(self.settings, self._files(), sql, role, access, str(work / "result.arrow"),
                                      str(work / "spill"), self.row_limit, self.max_bytes), work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        df = table.to_pandas()
        return df.head(self.row_limit), len(df) > self.row_limit

    def _files(self) -> dict[str, list[str]]:
        return {name: readable_files(self.settings.lake_dir, name, []) for name in TABLES}

    def _run(self, req: Request, work: Path) -> pa.Table:
        """Start the worker, kill it at the time limit, and read its result if it is small enough."""
        try:
            done = subprocess.run([sys.executable, "-m", "models.analytics.sandbox_worker"], input=pickle.dumps(req),
                                  capture_output=True, timeout=self.time_limit, cwd=ROOT, check=False)
        except subprocess.TimeoutExpired as exc:  # subprocess.run has killed and reaped it
            raise SandboxError(f"The query ran longer than {self.time_limit:g} s and was stopped; "
                               "add filters or aggregate first.") from exc
        if done.returncode != 0:
            message = done.stdout.decode("utf-8", "replace").strip()
            raise SandboxError(message or _died(done.returncode))
        out = Path(req.out)
        if out.stat().st_size > self.max_bytes + 2**20:
            raise SandboxError(f"The result is larger than {self.max_bytes // 2**20} MB; select fewer columns or rows.")
        with pa.OSFile(str(out), "rb") as source:
            return pa.ipc.open_stream(source).read_all()


def _died(code: int) -> str:
    """A worker killed by the kernel (memory or file-size cap) has no message of its own."""
    return (f"The query was stopped by the SQL box's memory or size limits (exit {code}); "
            "filter, aggregate or select fewer columns.")
