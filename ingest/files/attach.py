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
from ingest.files.importer import ImportResult, Progress, _write_rejects, begin
from ingest.files.orders import RawRows, Row, RowError, _lines
from ingest.files.profile import Profile, load_profile
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


def attach_file(
    path: Path, profile: Profile, lake_dir: Path, *, now: datetime | None = None, stream: TextIO = sys.stderr
) -> ImportResult:
    """Attach an items or payments file's rows to their orders; rows of unknown orders rejected or held."""
    now = now or datetime.now(UTC)
    rows, result = begin(path, profile)
    batch_id = result.batch_id
    key_column = profile.group_by or profile.columns["platform_order_id"]
    groups: dict[str, list[Row]] = {}
    rejects: list[tuple[int, str, str, str]] = []
    for n, record in rows:
        ref = cells.order_ref(record.get(key_column))
        if ref is None:
            rejects.append((n, "", f"order ({key_column})", "missing"))
        else:
            groups.setdefault(ref, []).append((n, record))
    oids = {ref: ids.order_id(profile.channel, profile.shop, ref) for ref in groups}
    orders = latest(lake_dir, "orders", list(oids.values()))
    build = _item_lines if profile.kind == "items" else _payment_events
    out, held, progress = [], [], Progress(f"import {path.name}", len(rows), stream=stream)
    for ref, members in groups.items():
        order = orders.get(oids[ref])
        try:
            if order is None and profile.unknown_orders == "hold":
                held.extend(members)
            elif order is None:
                raise RowError(members[0][0], f"platform_order_id ({key_column})", (
                    f"order {ref[:80]} is not in the lake: import its orders file first, or set [source] "
                    'unknown_orders = "hold" to keep such rows until it arrives'))
            else:
                out.extend(build(profile, oids[ref], order, members, now, batch_id))
                result.orders += 1
        except RowError as exc:
            rejects.extend((n, ref[:80], exc.field, exc.reason) for n, _ in members)
        progress.tick(len(members))
    if rejects:
        result.reject_file = _write_rejects(lake_dir.parent / "rejects", path, now, rejects)
    result.held_file = _hold(lake_dir.parent / HELD, path, profile, batch_id, held) if held else None
    table = "order_lines" if profile.kind == "items" else "order_events"
    raw = RawRows(profile, now, batch_id)
    for n, record in rows:
        raw.add(cells.order_ref(record.get(key_column)), [(n, record)])
    for name, table_rows in (("raw", raw.table()), (table, out)):
        lake.write(lake_dir, name, table_rows)
        result.written[name] = len(table_rows)
    result.lines, result.rejected_rows, result.held_rows = len(out), len(rejects), len(held)
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
