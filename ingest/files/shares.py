"""A file's orders built by one or more worker processes, each taking its share and writing it itself.

    totals = build_shares(job, workers=2, report=progress.reached)   # Job: the opened Table, where to write…

Each worker reads the whole file (reading a row costs a few µs; building its order about 80 µs, so the
reading is repeated, not the work) and builds only its share: every `workers`-th run of rows, rows without
an order number by row number, and orders whose rows lie apart by their number's CRC. Every worker writes
its own chunks through `models.lake.write` (atomic files with unique names) and appends its rejected rows to
its own part file; the importer merges those into one reject list. Workers are forked, so the opened
`Table` (its count, and which orders lie apart) is not read again.
"""

from __future__ import annotations

import csv
import multiprocessing
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ingest.files import cells
from ingest.files.limits import CUT
from ingest.files.orders import OrderBuilder, RawRows, Row, RowError
from ingest.files.profile import Profile
from ingest.files.tables import Table
from ingest.normalize.page import laid_out
from ingest.normalize.rows import Assembled
from models import lake
from models.corrections import keep_corrections

Reject = tuple[int, str, str, str]  # row, order number as shown, field, reason


@dataclass(frozen=True)
class Job:
    """What every share needs to know: the file, how to read it, where to write, and its batch."""

    table: Table
    profile: Profile
    lake_dir: Path
    now: datetime
    batch_id: str
    key_column: str
    chunk_orders: int
    rejects: Path  # a share's rejected rows go to this path + ".<share>"


@dataclass
class Totals:
    """What a share (or, summed, the whole file) built and wrote."""

    orders: int = 0
    lines: int = 0
    rejected_rows: int = 0
    written: dict[str, int] = field(default_factory=dict)

    def add(self, other: Totals) -> None:
        self.orders += other.orders
        self.lines += other.lines
        self.rejected_rows += other.rejected_rows
        for name, rows in other.written.items():
            self.written[name] = self.written.get(name, 0) + rows


def reject_parts(job: Job) -> list[Path]:
    """The part files the shares wrote their rejected rows to (CSV rows without a header)."""
    return sorted(job.rejects.parent.glob(job.rejects.name + ".*"))


def build_shares(job: Job, workers: int, report: Callable[[int], None]) -> Totals:
    """Every order of the file built and written by `workers` processes (in this one when 1); `report` is
    called with the rows done so far, about twice a second."""
    if workers <= 1:
        done = 0

        def tick(rows: int) -> None:
            nonlocal done
            done += rows
            report(done)

        return build_share(job, 0, 1, tick)
    context = multiprocessing.get_context("fork")  # the opened Table goes to the workers as it is
    counter = context.Value("q", 0)
    with context.Pool(workers, initializer=_remember, initargs=(job, counter)) as pool:
        pending = pool.map_async(_share, [(k, workers) for k in range(workers)])
        while not pending.ready():
            pending.wait(0.5)
            report(counter.value)
        parts = pending.get()
    report(counter.value)
    totals = Totals()
    for part in parts:
        totals.add(part)
    return totals


_JOB: tuple[Job, object] | None = None  # a forked worker's job and shared row counter


def _remember(job: Job, counter: object) -> None:
    global _JOB
    _JOB = job, counter


def _share(share: tuple[int, int]) -> Totals:
    job, counter = _JOB  # type: ignore[misc]
    pending = 0

    def tick(rows: int) -> None:
        nonlocal pending
        pending += rows
        if pending >= 2000:  # the shared counter takes a lock: not once per order
            with counter.get_lock():  # type: ignore[attr-defined]
                counter.value += pending  # type: ignore[attr-defined]
            pending = 0

    totals = build_share(job, *share, tick)
    with counter.get_lock():  # type: ignore[attr-defined]
        counter.value += pending  # type: ignore[attr-defined]
    return totals


def build_share(job: Job, share: int, of: int, tick: Callable[[int], None]) -> Totals:
    """Share `share` of `of`: its orders built and written `job.chunk_orders` at a time."""
    totals = Totals()
    chunk = _Chunk(job, share, totals)
    for key, members in orders_of(job.table, job.key_column, share, of):
        chunk.raw.add(key, members)
        if key is None:
            chunk.reject((n, "", f"order ({job.key_column})", "missing") for n, _ in members)
        else:
            chunk.add(key, members)
        if len(chunk.built) >= job.chunk_orders:
            chunk.write()
        tick(len(members))
    chunk.write()
    return totals


def orders_of(table: Table, key_column: str, share: int = 0, of: int = 1) -> Iterator[tuple[str | None, list[Row]]]:
    """This share's orders (all of them by default), each order's rows as one group, in file order.

    Orders whose rows lie apart come last, gathered. A row without an order number comes alone, as
    (None, [row]), and does not break its neighbours' run. Only this share's rows are made into records."""
    column = table.header.index(key_column)
    apart: dict[str, list[Row]] = {}
    key, run, runs = None, [], -1
    for n, row in table.again():
        ref = cells.order_ref(row[column] if column < len(row) else None)
        if ref is None:
            if n % of == share:
                yield None, [(n, table.record(row))]
        elif table.apart(ref):
            if zlib.crc32(ref.encode("utf-8")) % of == share:
                apart.setdefault(ref, []).append((n, table.record(row)))
        elif ref == key:
            if runs % of == share:
                run.append((n, table.record(row)))
        else:
            if run:
                yield key, run
            key, runs = ref, runs + 1
            run = [(n, table.record(row))] if runs % of == share else []
    if run:
        yield key, run
    yield from apart.items()


class _Chunk:
    """A share's orders built since its last write, with their raw rows and rejected rows; `write` empties it."""

    def __init__(self, job: Job, share: int, totals: Totals) -> None:
        self.job, self.totals = job, totals
        self.rejects_file = job.rejects.with_name(f"{job.rejects.name}.{share}")
        self.builder = OrderBuilder(job.profile, now=job.now, batch_id=job.batch_id)
        self._empty()

    def _empty(self) -> None:
        self.raw = RawRows(self.job.profile, self.job.now, self.job.batch_id)
        self.built: list[Assembled] = []
        self.rejects: list[Reject] = []

    def add(self, key: str, members: list[Row]) -> None:
        try:
            self.built.append(self.builder.order(members))
        except RowError as exc:
            shown = key[:CUT] + "…" if len(key) > CUT else key
            why = f"order rejected: row {exc.row} {exc.field}: {exc.reason}"
            self.reject([(exc.row, shown, exc.field, exc.reason)])
            self.reject((n, shown, "(order)", why) for n, _ in members if n != exc.row)

    def reject(self, rows: Iterable[Reject]) -> None:
        self.rejects += rows

    def write(self) -> None:
        """The chunk's rejects to its share's part file, then its tables, orders last (an order is visible
        only with its details)."""
        job, totals, built = self.job, self.totals, self.built
        if self.rejects:
            self.rejects_file.parent.mkdir(parents=True, exist_ok=True)
            with open(self.rejects_file, "a", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerows(self.rejects)
            totals.rejected_rows += len(self.rejects)
        for done, order in zip(built, keep_corrections(job.lake_dir, [a.order for a in built]), strict=True):
            done.order = order  # a console correction stays
        orders, lines, events = laid_out(built)
        tables = {"raw": self.raw.table(), "order_lines": lines, "order_events": events,
                  "exceptions": [x for a in built for x in a.exceptions], "orders": orders}
        for name, rows in tables.items():
            lake.write(job.lake_dir, name, rows)
            totals.written[name] = totals.written.get(name, 0) + len(rows)
        totals.orders += len(built)
        totals.lines += len(lines)
        self._empty()

