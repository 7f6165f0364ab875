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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from ingest.files import cells
from ingest.files.limits import CUT, cut
from ingest.files.profile import LINE_FIELDS, MONEY_FIELDS, TIME_FIELDS, Profile
from ingest.files.tables import read_table
from ingest.normalize.base import Line, NormalizedOrder, Reader
from ingest.normalize.rows import finish
from models import atomic, lake
from models.corrections import keep_corrections

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
    """Prints every 5% (and at least every `every_s` seconds) with rows/s to stderr, for files large enough
    that someone is waiting."""

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
        print(
            f"{self.label}: {pct:3d}% ({self.done:,}/{self.total:,} rows, {rate:,.0f} rows/s)",
            file=self.stream,
        )
        self.next_pct = (pct // 5 + 1) * 5


def _first(profile: Profile, members: list[Row], canonical: str) -> tuple[int, Any]:
    """The first non-blank value of a mapped column across an order's rows (Shopify fills row 1 only)."""
    column = profile.columns.get(canonical) or profile.events.get(canonical)
    for n, record in members:
        if column and not cells.blank(record.get(column)):
            return n, record[column]
    return members[0][0], None


def _typed(profile: Profile, members: list[Row], canonical: str, currency: str) -> Any:
    n, value = _first(profile, members, canonical)
    column = profile.columns.get(canonical) or profile.events.get(canonical)
    try:
        if canonical in MONEY_FIELDS:
            return cells.amount(value, currency, profile.amounts)
        if canonical in TIME_FIELDS or canonical in profile.events:
            return cells.timestamp(value, profile.timezone, profile.date_formats)
        return cells.text(value)
    except ValueError as exc:
        raise RowError(n, f"{canonical} ({column})", str(exc)) from exc


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


def build_order(members: list[Row], profile: Profile, *, now: datetime, batch_id: str) -> NormalizedOrder:
    """One order's rows → canonical rows, through the same assembler as the API normalizers."""
    first_row = members[0][0]
    ref = cells.order_ref(_first(profile, members, "platform_order_id")[1])
    if ref is None:
        raise RowError(first_row, f"platform_order_id ({profile.columns['platform_order_id']})", "missing")
    currency = (cells.text(_first(profile, members, "currency")[1]) or profile.currency or "").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise RowError(first_row, "currency", f"not an ISO 4217 currency code: {cut(currency)}")
    skip = {*LINE_FIELDS, "currency", "platform_order_id"}
    fields = {f: _typed(profile, members, f, currency) for f in profile.columns if f not in skip}
    times = {event: _typed(profile, members, event, currency) for event in profile.events}
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
    reader = Reader(profile.channel, {"id": ref}, id_path="id")
    reader.explain = {f: f"column {c!r}" for f, c in {**profile.columns, **profile.events}.items()}
    return finish(
        reader,
        shop_id=profile.shop,
        fetched_at=now,
        batch_id=batch_id,
        currency=currency,
        raw_status=raw_status,
        fields=fields,
        lines=_lines(profile, members, currency),
        times=times,
        status_map=profile.status_map,
    )


def _raw_row(profile: Profile, ref: str | None, record: dict[str, Any], now: datetime, batch_id: str) -> dict:
    payload = json.dumps(record, ensure_ascii=False, default=str)
    return {
        "channel": profile.channel,
        "shop_id": profile.shop,
        "platform_order_id": ref,
        "fetched_at": now,
        "sha256": hashlib.sha256(payload.encode("utf-8")).hexdigest(),
        "batch_id": batch_id,
        "kind": "file",
        "payload": payload,
    }


def _write_rejects(
    folder: Path, source: Path, now: datetime, rejects: list[tuple[int, str, str, str]]
) -> Path:
    final = folder / f"{source.stem}-{now:%Y%m%dT%H%M%SZ}.csv"
    with atomic.replacing(final) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "platform_order_id", "field", "reason"])
        writer.writerows(sorted(rejects))
    return final


def begin(path: Path, profile: Profile) -> tuple[list[Row], ImportResult]:
    """The file's rows and its result, named by a batch id from the file's bytes (a re-import is the same
    batch, so the lake keeps one copy)."""
    rows = read_table(path, profile)
    batch_id = "file-" + hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return rows, ImportResult(path=path, batch_id=batch_id, rows=len(rows))


def import_file(
    path: Path, profile: Profile, lake_dir: Path, *, now: datetime | None = None, stream: TextIO = sys.stderr
) -> ImportResult:
    """Import one export file; ImportFileError when nothing of it can be imported."""
    now = now or datetime.now(UTC)
    rows, result = begin(path, profile)
    batch_id = result.batch_id
    groups: dict[str, list[Row]] = {}
    rejects: list[tuple[int, str, str, str]] = []
    key_column = profile.group_by or profile.columns["platform_order_id"]
    raw = [_raw_row(profile, cells.order_ref(r.get(key_column)), r, now, batch_id) for _, r in rows]
    for n, record in rows:
        key = cells.order_ref(record.get(key_column))
        if key is None:
            rejects.append((n, "", f"order ({key_column})", "missing"))
        else:
            groups.setdefault(key, []).append((n, record))
    built: list[NormalizedOrder] = []
    progress = Progress(f"import {path.name}", len(rows), stream=stream)
    for key, members in groups.items():
        try:
            built.append(build_order(members, profile, now=now, batch_id=batch_id))
        except RowError as exc:
            shown = key[:CUT] + "…" if len(key) > CUT else key
            rejects.append((exc.row, shown, exc.field, exc.reason))
            why = f"order rejected: row {exc.row} {exc.field}: {exc.reason}"
            rejects.extend((n, shown, "(order)", why) for n, _ in members if n != exc.row)
        progress.tick(len(members))
    if rejects:
        result.reject_file = _write_rejects(lake_dir.parent / "rejects", path, now, rejects)
    tables = {
        "raw": raw,
        "order_lines": [li for o in built for li in o.lines],
        "order_events": [e for o in built for e in o.events],
        "exceptions": [x for o in built for x in o.exceptions],
        "orders": keep_corrections(lake_dir, [o.order for o in built]),  # a console correction stays
    }
    for table, table_rows in tables.items():  # orders last: an order is visible only with its details
        lake.write(lake_dir, table, table_rows)
        result.written[table] = len(table_rows)
    result.orders, result.lines, result.rejected_rows = len(built), len(tables["order_lines"]), len(rejects)
    return result
