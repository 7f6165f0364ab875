"""One order of a seller's export from its rows: the columns each canonical field reads, and how.

    builder = OrderBuilder(profile, now=now, batch_id=batch_id)
    done = builder.order([(2, {"Name": "#1001", ...}), (3, {...})])   # Assembled, or RowError

The order is assembled by the same code as the API normalizers' (`ingest.normalize.rows.assemble`), so a
file's order and the same order pulled from the API get the same ids, status and events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pyarrow as pa

from ingest.files import cells
from ingest.files.limits import cut
from ingest.files.profile import LINE_FIELDS, MONEY_FIELDS, TIME_FIELDS, Profile
from ingest.normalize.base import Line, Reader
from ingest.normalize.rows import Assembled, assemble
from models.schema import TS

Row = tuple[int, dict[str, Any]]


class RowError(ValueError):
    def __init__(self, row: int, field: str, reason: str) -> None:
        super().__init__(f"row {row}: {field}: {reason}")
        self.row, self.field, self.reason = row, field, reason


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
