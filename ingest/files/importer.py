"""A seller's CSV/XLSX export of orders into the lake (the command is `ingest/files/cli.py`).

    result = import_file(Path("orders.csv"), load_profile("docs/profiles/shopify-orders.toml"), lake_dir)

A file of any size is imported in flat memory: read once to check it, then again by each worker, which
builds and writes its share of the orders a chunk at a time (`ingest.files.shares`; one order from its
rows: `ingest.files.orders`). Each table's file appears atomically, orders last, so an order is visible
with its details or not at all. A crash mid-import is harmless: ids and the batch id are deterministic,
so re-running writes the same keys again and the views keep one copy; re-importing an unchanged file adds
nothing visible. Rows that fail validation go to `<data>/rejects/<file>-<time>.csv` with row number,
field and reason; one bad row rejects its whole order, so no order is imported half.
"""

from __future__ import annotations

import csv
import hashlib
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from ingest.files.profile import Profile
from ingest.files.shares import Job, build_shares, reject_parts
from ingest.files.tables import Table
from models import atomic


@dataclass
class ImportResult:
    path: Path
    batch_id: str
    rows: int = 0
    orders: int = 0
    lines: int = 0
    rejected_rows: int = 0
    reject_file: Path | None = None
    written: dict[str, int] = field(default_factory=dict)
    held_rows: int = 0
    held_file: Path | None = None


class Progress:
    """Prints every 5% (and at least every `every_s` seconds) with rows/s and the time left to stderr, for
    files large enough that someone is waiting."""

    def __init__(
        self, label: str, total: int, *, stream: TextIO = sys.stderr, min_rows: int = 2000, every_s: float = 5.0
    ) -> None:
        self.label, self.total, self.stream, self.every_s = label, total, stream, every_s
        self.enabled = total >= min_rows
        self.done, self.next_pct, self.started = 0, 5, time.monotonic()
        self.printed = self.started

    def reached(self, done: int) -> None:
        """`done` rows in all so far."""
        self.tick(done - self.done)

    def tick(self, rows: int = 1) -> None:
        self.done += rows
        if not self.enabled:
            return
        if self.done * 100 < self.next_pct * self.total and time.monotonic() - self.printed < self.every_s:
            return
        self.printed = time.monotonic()
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        pct = self.done * 100 // self.total
        left = _left((self.total - self.done) / rate) if self.done < self.total else ""
        print(
            f"{self.label}: {pct:3d}% ({self.done:,}/{self.total:,} rows, {rate:,.0f} rows/s{left})",
            file=self.stream,
        )
        self.next_pct = (pct // 5 + 1) * 5


def _left(seconds: float) -> str:
    """The time an import has left at its rate so far, as a person reads it."""
    if seconds < 90:
        return f", about {max(round(seconds), 1)} s left"
    if seconds < 90 * 60:
        return f", about {round(seconds / 60)} min left"
    return f", about {seconds / 3600:.1f} h left"


def _write_rejects(
    folder: Path, source: Path, now: datetime, rejects: list[tuple[int, str, str, str]]
) -> Path:
    final = _rejects_path(folder, source, now)
    with atomic.replacing(final) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECT_HEADER)
        writer.writerows(sorted(rejects))
    return final


REJECT_HEADER = ["row", "platform_order_id", "field", "reason"]


def _rejects_path(folder: Path, source: Path, now: datetime) -> Path:
    return folder / f"{source.stem}-{now:%Y%m%dT%H%M%SZ}.csv"


def batch_of(path: Path) -> str:
    """The batch id of a file: from its bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return "file-" + digest.hexdigest()[:12]


CHUNK_ORDERS = 50_000  # orders built and written at a time: memory stays flat whatever the file's size


def import_file(
    path: Path, profile: Profile, lake_dir: Path, *, now: datetime | None = None, stream: TextIO = sys.stderr,
    chunk_orders: int = CHUNK_ORDERS, workers: int = 1,
) -> ImportResult:
    """Import one export file, `chunk_orders` orders at a time by `workers` processes; ImportFileError when
    nothing of it can be imported.

    The file is read once to check it whole and find orders whose rows are not together (`Table`), then
    again by each worker, which builds its share of the orders (`ingest.files.shares`). Each chunk is
    written as it is built (an order with its lines, events and exceptions, orders last), so the console sees
    the import grow; a crash leaves whole orders, and importing the file again writes the same keys.
    """
    now = now or datetime.now(UTC)
    key_column = profile.group_by or profile.columns["platform_order_id"]
    table = Table(path, profile, group_by=key_column)
    result = ImportResult(path=path, batch_id=batch_of(path), rows=table.count)
    job = Job(table, profile, lake_dir, now, result.batch_id, key_column, chunk_orders,
              _rejects_path(lake_dir.parent / "rejects", path, now))
    progress = Progress(f"import {path.name}", table.count, stream=stream)
    totals = build_shares(job, workers, progress.reached)
    result.orders, result.lines, result.written = totals.orders, totals.lines, totals.written
    result.rejected_rows = totals.rejected_rows
    parts = reject_parts(job)
    if parts:
        result.reject_file = _merged_rejects(job.rejects, parts)
    return result


def _merged_rejects(final: Path, parts: list[Path]) -> Path:
    """The shares' rejected rows as one list by row number, with its header."""
    rows: list[tuple[int, str, str, str]] = []
    for part in parts:
        with open(part, encoding="utf-8", newline="") as fh:
            rows += [(int(n), ref, field, reason) for n, ref, field, reason in csv.reader(fh)]
    with atomic.replacing(final) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECT_HEADER)
        writer.writerows(sorted(rows))
    for part in parts:
        part.unlink()
    return final
