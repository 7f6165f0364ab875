"""A seller's CSV/XLSX export of orders into the lake (the command is `ingest/files/cli.py`).

    result = import_file(Path("orders.csv"), load_profile("docs/profiles/shopify-orders.toml"), lake_dir)

All orders are built in memory first and only then written through models.lake.write (each table's file
appears atomically, orders last). A crash mid-write is harmless: ids and the batch id are deterministic,
so re-running writes the same keys again and the views keep one copy; re-importing an unchanged file adds
nothing visible. Rows that fail validation go to `<data>/rejects/<file>-<time>.csv` with row number,
field and reason; one bad row rejects its whole order, so no order is imported half.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from ingest.files import cells
from ingest.files.limits import CUT, cut
from ingest.files.profile import LINE_FIELDS, MONEY_FIELDS, TIME_FIELDS, Profile
from ingest.files.tables import Table, read_table
from ingest.normalize.base import Line, Reader
from ingest.normalize.page import laid_out
from ingest.normalize.rows import Assembled, assemble
from models import atomic, lake
from models.corrections import keep_corrections
from models.schema import TS

Row = tuple[int, dict[str, Any]]


class RowError(ValueError):
    def __init__(self, row: int, field: str, reason: str) -> None:
        super().__init__(f"row {row}: {field}: {reason}")
        self.row, self.field, self.reason = row, field, reason


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


def _first(profile: Profile, members: list[Row], canonical: str) -> tuple[int, Any]:
    """The first non-blank value of a mapped column across an order's rows (Shopify fills row 1 only)."""
    return _first_in(members, profile.columns.get(canonical) or profile.events.get(canonical))


def _first_in(members: list[Row], column: str | None) -> tuple[int, Any]:
    if column:
        for n, record in members:
            value = record.get(column)
            if value is not None and not (isinstance(value, str) and (not value or value.isspace())):
                return n, value
    return members[0][0], None


def _cell(n: int, profile: Profile, canonical: str, parse: Callable[[Any], Any], values: dict) -> Any:
    """One line cell parsed; a failure names the row, the field and its column."""
    try:
        return parse(values.get(canonical))
    except ValueError as exc:
        raise RowError(n, f"{canonical} ({profile.columns.get(canonical)})", str(exc)) from exc


def _lines(profile: Profile, members: list[Row], currency: str) -> list[Line]:
    lines = []
    for n, record in members:
        values = {f: record.get(profile.columns[f]) for f in LINE_FIELDS if f in profile.columns}
        if all(cells.blank(v) for v in values.values()):
            continue
        price = _cell(n, profile, "unit_price_cents", lambda v: cells.amount(v, currency, profile.amounts), values)
        qty = _cell(n, profile, "qty", lambda v: cells.quantity(v, profile.limits.max_qty), values)
        lines.append(
            Line(
                sku=cells.text(values.get("sku")),
                title=cells.text(values.get("title")),
                qty=1 if qty is None else qty,
                unit_price_cents=price,
                is_gift=cells.flag(values.get("is_gift")) or price == 0,
            )
        )
    return lines


class OrderBuilder:
    """One profile's order rows → an order's canonical values, through the same assembler as the API
    normalizers. Which column each field reads, and how, is worked out once per file, not per order."""

    def __init__(self, profile: Profile, *, now: datetime, batch_id: str) -> None:
        self.profile, self.now, self.batch_id = profile, now, batch_id
        skip = {*LINE_FIELDS, "currency", "platform_order_id"}
        self.fields = [self._plan(f) for f in profile.columns if f not in skip]
        self.times = [self._plan(event) for event in profile.events]

    def _plan(self, canonical: str) -> tuple[str, str | None, str, Callable[[Any, str], Any]]:
        """(field, its column, how a failure names it, the cell's parser taking the order's currency)."""
        profile = self.profile
        column = profile.columns.get(canonical) or profile.events.get(canonical)
        if canonical in MONEY_FIELDS:
            def parse(value: Any, currency: str) -> Any:
                return cells.amount(value, currency, profile.amounts)
        elif canonical in TIME_FIELDS or canonical in profile.events:
            def parse(value: Any, currency: str) -> Any:
                return cells.timestamp(value, profile.timezone, profile.date_formats)
        else:
            def parse(value: Any, currency: str) -> Any:
                return cells.text(value)
        return canonical, column, f"{canonical} ({column})", parse

    def _typed(self, members: list[Row], plan: list, currency: str) -> dict[str, Any]:
        out = {}
        for canonical, column, named, parse in plan:
            n, value = _first_in(members, column)
            try:
                out[canonical] = parse(value, currency)
            except ValueError as exc:
                raise RowError(n, named, str(exc)) from exc
        return out

    def order(self, members: list[Row]) -> Assembled:
        """One order's rows → its canonical values (RowError naming the row, field and reason)."""
        profile, first_row = self.profile, members[0][0]
        ref = cells.order_ref(_first(profile, members, "platform_order_id")[1])
        if ref is None:
            raise RowError(first_row, f"platform_order_id ({profile.columns['platform_order_id']})", "missing")
        currency = (cells.text(_first(profile, members, "currency")[1]) or profile.currency or "").upper()
        if len(currency) != 3 or not currency.isalpha():
            raise RowError(first_row, "currency", f"not an ISO 4217 currency code: {cut(currency)}")
        fields = self._typed(members, self.fields, currency)
        times = self._typed(members, self.times, currency)
        if times.get("placed") is None:
            raise RowError(first_row, f"placed ({profile.events['placed']})", "missing")
        raw_status = "/".join(cells.text(members[0][1].get(c)) or "" for c in profile.status_columns)
        if not raw_status.strip("/"):
            raise RowError(first_row, f"status ({', '.join(profile.status_columns)})", "missing")
        if profile.split_address and not (fields.get("receiver_province") or fields.get("receiver_city")):
            fields["receiver_province"], fields["receiver_city"] = cells.split_address(
                fields.get("receiver_address")
            )
        fields.update(placed_at=times.pop("placed"), paid_at=times.pop("paid", None))
        return assemble(
            Reader(profile.channel, {"id": ref}, id_path="id"),
            shop_id=profile.shop,
            fetched_at=self.now,
            batch_id=self.batch_id,
            currency=currency,
            raw_status=raw_status,
            fields=fields,
            lines=_lines(profile, members, currency),
            times=times,
            status_map=profile.status_map,
        )


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


def _add_rejects(
    file: Path | None, folder: Path, source: Path, now: datetime, rejects: list[tuple[int, str, str, str]]
) -> Path:
    """A chunk's rejected rows, by row number, added to the import's reject list (started by its first chunk)."""
    if file is None:
        return _write_rejects(folder, source, now, rejects)
    with open(file, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(sorted(rejects))
    return file


def begin(path: Path, profile: Profile) -> tuple[list[Row], ImportResult]:
    """The file's rows and its result, named by a batch id from the file's bytes (a re-import is the same
    batch, so the lake keeps one copy)."""
    rows = read_table(path, profile)
    return rows, ImportResult(path=path, batch_id=batch_of(path), rows=len(rows))


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
    chunk_orders: int = CHUNK_ORDERS,
) -> ImportResult:
    """Import one export file, `chunk_orders` orders at a time; ImportFileError when nothing of it can be.

    The file is read twice: once to check it whole and find orders whose rows are not together (`Table`),
    then to build its orders run by run. Each chunk is written as it is built (an order with its lines,
    events and exceptions, orders last), so the console sees the import grow; a crash leaves whole orders,
    and importing the file again writes the same keys.
    """
    now = now or datetime.now(UTC)
    key_column = profile.group_by or profile.columns["platform_order_id"]
    table = Table(path, profile, group_by=key_column)
    result = ImportResult(path=path, batch_id=batch_of(path), rows=table.count)
    chunk = _Chunk(profile, lake_dir, now, result)
    progress = Progress(f"import {path.name}", table.count, stream=stream)
    for key, members in _orders(table, key_column):
        chunk.raw.add(key, members)
        if key is None:
            chunk.reject((n, "", f"order ({key_column})", "missing") for n, _ in members)
        else:
            chunk.add(key, members)
        if len(chunk.built) >= chunk_orders:
            chunk.write()
        progress.tick(len(members))
    chunk.write()
    return result


def _orders(table: Table, key_column: str) -> Iterator[tuple[str | None, list[Row]]]:
    """Each order's rows as one group, in file order; orders whose rows lie apart come last, gathered.

    A row without an order number comes alone, as (None, [row]); it does not break its neighbours' run.
    """
    apart: dict[str, list[Row]] = {}
    key, run = None, []
    for n, record in table.keyed():
        ref = cells.order_ref(record.get(key_column))
        if ref is None:
            yield None, [(n, record)]
        elif table.apart(ref):
            apart.setdefault(ref, []).append((n, record))
        elif ref == key:
            run.append((n, record))
        else:
            if run:
                yield key, run
            key, run = ref, [(n, record)]
    if run:
        yield key, run
    yield from apart.items()


class _Chunk:
    """Orders built since the last write, with their raw rows and rejected rows; `write` empties it."""

    def __init__(self, profile: Profile, lake_dir: Path, now: datetime, result: ImportResult) -> None:
        self.profile, self.lake_dir, self.now, self.result = profile, lake_dir, now, result
        self.builder = OrderBuilder(profile, now=now, batch_id=result.batch_id)
        self.raw = RawRows(profile, now, result.batch_id)
        self.built: list[Assembled] = []
        self.rejects: list[tuple[int, str, str, str]] = []

    def add(self, key: str, members: list[Row]) -> None:
        try:
            self.built.append(self.builder.order(members))
        except RowError as exc:
            shown = key[:CUT] + "…" if len(key) > CUT else key
            why = f"order rejected: row {exc.row} {exc.field}: {exc.reason}"
            self.reject([(exc.row, shown, exc.field, exc.reason)])
            self.reject((n, shown, "(order)", why) for n, _ in members if n != exc.row)

    def reject(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        self.rejects += rows

    def write(self) -> None:
        """The chunk's rejects to the file's reject list, then its tables, orders last (an order is visible
        only with its details)."""
        result, built = self.result, self.built
        if self.rejects:
            result.reject_file = _add_rejects(result.reject_file, self.lake_dir.parent / "rejects", result.path,
                                              self.now, self.rejects)
            result.rejected_rows += len(self.rejects)
        for done, order in zip(built, keep_corrections(self.lake_dir, [a.order for a in built]), strict=True):
            done.order = order  # a console correction stays
        orders, lines, events = laid_out(built)
        tables = {"raw": self.raw.table(), "order_lines": lines, "order_events": events,
                  "exceptions": [x for a in built for x in a.exceptions], "orders": orders}
        for name, rows in tables.items():
            lake.write(self.lake_dir, name, rows)
            result.written[name] = result.written.get(name, 0) + len(rows)
        result.orders += len(built)
        result.lines += len(lines)
        self.raw, self.built, self.rejects = RawRows(self.profile, self.now, result.batch_id), [], []


class RawRows:
    """Each row of the file verbatim, as table `raw` (kind `file`), gathered as columns."""

    def __init__(self, profile: Profile, now: datetime, batch_id: str) -> None:
        self.profile, self.now, self.batch_id = profile, now, batch_id
        self.refs: list[str | None] = []
        self.payloads: list[str] = []

    def add(self, ref: str | None, members: list[Row]) -> None:
        self.refs += [ref] * len(members)
        self.payloads += [json.dumps(record, ensure_ascii=False, default=str) for _, record in members]

    def table(self) -> pa.Table:
        n, payloads = len(self.payloads), self.payloads
        return pa.table({
            "channel": [self.profile.channel] * n, "shop_id": [self.profile.shop] * n,
            "platform_order_id": pa.array(self.refs, pa.string()), "fetched_at": pa.array([self.now] * n, TS),
            "sha256": [hashlib.sha256(p.encode("utf-8")).hexdigest() for p in payloads],
            "batch_id": [self.batch_id] * n, "kind": ["file"] * n, "payload": payloads,
        })
