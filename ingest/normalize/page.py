"""A page of one platform's orders as the lake's Arrow tables, without a dict per line or event.

    page = normalize_page("shopee", orders, shop_id="sg-main", fetched_at=now, batch_id="b1")
    for table, rows in page.tables().items():
        lake.write(lake_dir, table, rows)
    page.failed          # [(index in `orders`, BadRecord or the normalizer's crash)]

Each order is still read by its platform's `_read` (the one place that says where a field lives, with its
checks and fallbacks); what a page saves is the layout. The per-row path builds a dict per order, line and
event and the writer turns them back into columns; here lines and events go straight into columns, the
values they repeat from their order (order id, currency, times, batch) are taken from the orders table in
one call, and event ids are built as one column (`ids.event_id_column`). The rows equal the per-row path's
field by field (tests/ingest/test_normalize_page.py). `ingest.pipeline` lays each flush out with `laid_out`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from ingest.normalize.base import Line
from ingest.normalize.registry import module_for
from ingest.normalize.rows import Assembled
from ingest.normalize.status_map import StatusMap
from models import ids
from models.schema import ORDER_EVENTS, ORDER_LINES, ORDERS, TS


@dataclass
class Page:
    """A page's canonical rows as tables of the lake's schemas, its exceptions, and the orders that failed."""

    orders: pa.Table
    order_lines: pa.Table
    order_events: pa.Table
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    failed: list[tuple[int, Exception]] = field(default_factory=list)

    def tables(self) -> dict[str, pa.Table]:
        """The three tables by lake table name, in the order a flush writes them (children before orders)."""
        return {"order_lines": self.order_lines, "order_events": self.order_events, "orders": self.orders}


def normalize_page(
    platform: str, payloads: Iterable[Any], *, shop_id: str, fetched_at: datetime, batch_id: str,
    status_map: StatusMap | None = None,
) -> Page:
    """Normalize every order object of a page; one that fails is listed in `failed`, the others are kept."""
    normalizer = module_for(platform).normalize
    done: list[Assembled] = []
    exceptions: list[dict[str, Any]] = []
    failed: list[tuple[int, Exception]] = []
    for n, payload in enumerate(payloads):
        try:
            _, assembled = normalizer.assembled(payload, shop_id=shop_id, fetched_at=fetched_at, batch_id=batch_id,
                                                status_map=status_map)
        except Exception as exc:  # the caller tells BadRecord (quarantine) from a crash (reject), as per row
            failed.append((n, exc))
            continue
        done.append(assembled)
        exceptions += assembled.exceptions
    return Page(*laid_out(done), exceptions, failed)


def laid_out(done: list[Assembled]) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Assembled orders as the lake's orders, order_lines and order_events tables."""
    orders = _orders_table(done)
    return orders, _lines_table(orders, done), _events_table(orders, done)


def _orders_table(done: list[Assembled]) -> pa.Table:
    return pa.Table.from_pylist([a.order for a in done], schema=ORDERS.schema)  # one dict per order is cheap


_FROM_ORDER = ("order_id", "currency", "placed_at", "updated_at", "ingested_at", "batch_id")


def _lines_table(orders: pa.Table, done: list[Assembled]) -> pa.Table:
    """ORDER_LINES: the line's own fields, the rest taken from its order's row."""
    lines: list[Line] = []
    of_order: list[int] = []
    line_no: list[int] = []
    for k, a in enumerate(done):
        lines += a.lines
        of_order += [k] * len(a.lines)
        line_no += range(1, len(a.lines) + 1)
    own = {
        "line_no": line_no, "sku": [x.sku for x in lines], "title": [x.title for x in lines],
        "category": [None] * len(lines), "qty": [x.qty for x in lines],
        "unit_price_cents": [x.unit_price_cents for x in lines], "is_gift": [x.is_gift for x in lines],
    }
    return _laid_out(ORDER_LINES.schema, _taken(orders, _FROM_ORDER, of_order), own)


def _events_table(orders: pa.Table, done: list[Assembled]) -> pa.Table:
    """ORDER_EVENTS of source 'platform': order id and batch taken from the order's row, ids as one column."""
    of_order: list[int] = []
    names: list[str] = []
    times: list[datetime] = []
    for k, a in enumerate(done):
        of_order += [k] * len(a.events)
        names += [event for event, _ in a.events]
        times += [at for _, at in a.events]
    taken = _taken(orders, ("order_id", "ingested_at", "batch_id"), of_order)
    own = {"event": pa.array(names, pa.string()), "source": pa.array(["platform"] * len(names), pa.string()),
           "occurred_at": pa.array(times, TS)}
    own["event_id"] = ids.event_id_column(taken.column("order_id"), own["event"], own["source"], own["occurred_at"])
    return _laid_out(ORDER_EVENTS.schema, taken, own)


def _taken(orders: pa.Table, columns: tuple[str, ...], of_order: list[int]) -> pa.Table:
    """The orders' `columns`, one row per child row (of_order: the index of each child's order)."""
    return orders.select(columns).take(pa.array(of_order, pa.int64()))


def _laid_out(schema: pa.Schema, taken: pa.Table, own: dict[str, Any]) -> pa.Table:
    """A table of `schema` from columns taken from the orders, the rows' own lists, and nulls for the rest."""
    n = taken.num_rows
    columns = []
    for f in schema:
        if f.name in own:
            values = own[f.name]
            columns.append(values if isinstance(values, pa.Array) else pa.array(values, f.type))
        elif f.name in taken.column_names:
            columns.append(taken.column(f.name))
        else:
            columns.append(pa.nulls(n, f.type))
    return pa.Table.from_arrays(columns, schema=schema)
