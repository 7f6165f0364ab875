"""Items and payments files onto orders already in the lake: the history migration of separate exports.

    result = attach_file(Path("items.csv"), load_profile("items.toml"), lake_dir)

A profile with `[source] kind = "items"` or `"payments"` never writes an order row, so it can neither
create an order nor change one's status. Each row is matched to its order by the platform order id
(OrderHub's order id from channel, shop and that id). A row whose order the lake does not hold is
rejected with that reason, or, with `[source] unknown_orders = "hold"`, kept under `<data>/held/`
until an orders import brings its order (`release_held`, run after every orders import).
Items become the order's lines (line numbers 1..n, the order's own times); payments become `paid`
events (a negative amount in a refund file, `refunded`), with the amount in the event's detail.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from ingest.files import cells
from ingest.files.importer import ImportResult, Progress, _write_rejects, batch_of
from ingest.files.orders import RawRows, Row, RowError, _lines
from ingest.files.profile import Profile, load_profile
from ingest.files.shares import orders_of
from ingest.files.tables import Table
from ingest.normalize.rows import line_rows
from models import atomic, ids, lake
from models.versions import latest

HELD = "held"


def _payment_events(profile: Profile, oid: str, order: dict, members: list[Row], now: datetime, batch: str) -> list:
    """One `paid` (or, for a negative amount, `refunded`) event per payment row."""
    column, amount_column = profile.events["paid"], profile.columns.get("total_cents")
    currency = order["currency"]
    out = []
    for n, record in members:
        try:
            at = cells.timestamp(record.get(column), profile.timezone, profile.date_formats)
            cents = cells.amount(record.get(amount_column), currency, profile.amounts) if amount_column else None
        except ValueError as exc:
            raise RowError(n, f"paid ({column})", str(exc)) from exc
        if at is None:
            raise RowError(n, f"paid ({column})", "missing")
        event = "refunded" if cents is not None and cents < 0 else "paid"
        detail = None if cents is None else json.dumps({"amount_cents": cents, "currency": currency, "row": n})
        out.append({"event_id": ids.event_id(oid, event, "platform", at), "order_id": oid, "event": event,
                    "source": "platform", "actor": None, "occurred_at": at, "detail": detail,
                    "ingested_at": now, "batch_id": batch})
    return out


def _item_lines(profile: Profile, oid: str, order: dict, members: list[Row], now: datetime, batch: str) -> list:
    """The order's lines from its rows, dated like the order so its current version keeps them."""
    common = {"placed_at": order["placed_at"], "updated_at": order["updated_at"], "ingested_at": now,
              "batch_id": batch}
    return line_rows(oid, _lines(profile, members, order["currency"]), order["currency"], common)


def _hold(folder: Path, source: Path, profile: Profile, batch: str, members: list[Row]) -> Path:
    """Rows of orders not yet in the lake, kept as a CSV (original columns) beside the profile that reads it."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{source.stem}-{batch}.csv"
    header = list(dict.fromkeys(k for _, record in members for k in record))
    with atomic.replacing(final) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([["" if r.get(h) is None else r.get(h) for h in header] for _, r in members])
    atomic.write_text(final.with_suffix(".json"), json.dumps({"profile": str(profile.path.resolve())}))
    return final


ATTACH_ORDERS = 100_000  # orders looked up and written at a time: each look-up reads the lake's orders once


def attach_file(
    path: Path, profile: Profile, lake_dir: Path, *, now: datetime | None = None, stream: TextIO = sys.stderr,
    chunk_orders: int = ATTACH_ORDERS,
) -> ImportResult:
    """Attach an items or payments file's rows to their orders; rows of unknown orders rejected or held.

    Read like an orders file (checked whole, then order by order, `chunk_orders` at a time), so a year's
    items file takes the memory of one chunk."""
    key_column = profile.group_by or profile.columns["platform_order_id"]
    table = Table(path, profile, group_by=key_column)
    result = ImportResult(path=path, batch_id=batch_of(path), rows=table.count)
    attaching = _Attaching(profile, lake_dir, now or datetime.now(UTC), result, key_column)
    progress = Progress(f"import {path.name}", table.count, stream=stream)
    chunk: list[tuple[str | None, list[Row]]] = []
    for group in orders_of(table, key_column):
        chunk.append(group)
        if len(chunk) >= chunk_orders:
            attaching.write(chunk)
            chunk = []
        progress.tick(len(group[1]))
    attaching.write(chunk)
    return attaching.finish()


class _Attaching:
    """An items or payments file's rows attached a chunk of orders at a time; rejects and held rows kept
    for the end (they are the few)."""

    def __init__(self, profile: Profile, lake_dir: Path, now: datetime, result: ImportResult, key_column: str):
        self.profile, self.lake_dir, self.now, self.result, self.key_column = profile, lake_dir, now, result, key_column
        self.table = "order_lines" if profile.kind == "items" else "order_events"
        self.build = _item_lines if profile.kind == "items" else _payment_events
        self.rejects: list[tuple[int, str, str, str]] = []
        self.held: list[Row] = []

    def write(self, chunk: list[tuple[str | None, list[Row]]]) -> None:
        profile, result, batch_id = self.profile, self.result, self.result.batch_id
        oids = {ref: ids.order_id(profile.channel, profile.shop, ref) for ref, _ in chunk if ref is not None}
        orders = latest(self.lake_dir, "orders", list(oids.values()))
        out, raw = [], RawRows(profile, self.now, batch_id)
        for ref, members in chunk:
            raw.add(ref, members)
            if ref is None:
                self.rejects += [(n, "", f"order ({self.key_column})", "missing") for n, _ in members]
                continue
            order = orders.get(oids[ref])
            try:
                if order is None and profile.unknown_orders == "hold":
                    self.held.extend(members)
                elif order is None:
                    raise RowError(members[0][0], f"platform_order_id ({self.key_column})", (
                        f"order {ref[:80]} is not in the lake: import its orders file first, or set [source] "
                        'unknown_orders = "hold" to keep such rows until it arrives'))
                else:
                    out.extend(self.build(profile, oids[ref], order, members, self.now, batch_id))
                    result.orders += 1
            except RowError as exc:
                self.rejects += [(n, ref[:80], exc.field, exc.reason) for n, _ in members]
        for name, rows in (("raw", raw.table()), (self.table, out)):
            lake.write(self.lake_dir, name, rows)
            result.written[name] = result.written.get(name, 0) + len(rows)
        result.lines += len(out)

    def finish(self) -> ImportResult:
        result = self.result
        if self.rejects:
            result.reject_file = _write_rejects(self.lake_dir.parent / "rejects", result.path, self.now, self.rejects)
        result.held_file = (_hold(self.lake_dir.parent / HELD, result.path, self.profile, result.batch_id, self.held)
                            if self.held else None)
        result.rejected_rows, result.held_rows = len(self.rejects), len(self.held)
        return result


def release_held(lake_dir: Path, *, now: datetime | None = None, stream: TextIO = sys.stderr) -> list[ImportResult]:
    """Attach held rows whose orders have arrived since; rows still unknown stay held."""
    results = []
    for held in sorted((lake_dir.parent / HELD).glob("*.csv")):
        sidecar = held.with_suffix(".json")
        profile = load_profile(json.loads(sidecar.read_text(encoding="utf-8"))["profile"])
        profile = replace(profile, unknown_orders="hold", encoding="utf-8")
        result = attach_file(held, profile, lake_dir, now=now, stream=stream)
        if result.held_file != held:
            held.unlink()
            sidecar.unlink()
        results.append(result)
    return results
