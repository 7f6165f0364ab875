"""The page-wise path against the per-row path, field by field, on the differential corpus of every platform;
and the per-row outputs against their digests from before the ingest speed-ups."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pyarrow as pa
import pytest

from ingest.normalize import registry
from ingest.normalize.base import BadRecord
from ingest.normalize.page import normalize_page
from models import lake
from models.schema import ORDER_EVENTS, ORDER_LINES, ORDERS
from tests.ingest.conftest import FETCHED_AT
from tests.ingest.normalize_corpus import GOLDEN, PLATFORMS, cases, digest, outcome

SHOP = "shop-d"


def per_row(platform: str, payloads: list, fetched_at: datetime = FETCHED_AT) -> tuple[dict, list, list]:
    """The old path: normalize each order into dicts, the writer's conform makes the tables."""
    rows, failed = [], []
    for n, payload in enumerate(payloads):
        try:
            rows.append(registry.normalize(platform, payload, shop_id=SHOP, fetched_at=fetched_at, batch_id="b-diff"))
        except Exception as exc:
            failed.append((n, type(exc), str(exc)))
    tables = {
        "orders": lake.conform(ORDERS, [r.order for r in rows]),
        "order_lines": lake.conform(ORDER_LINES, [x for r in rows for x in r.lines]),
        "order_events": lake.conform(ORDER_EVENTS, [x for r in rows for x in r.events]),
    }
    return tables, failed, [x for r in rows for x in r.exceptions]


def assert_same_fields(name: str, new: pa.Table, old: pa.Table) -> None:
    assert new.schema == old.schema, name
    assert new.num_rows == old.num_rows, name
    for column in old.column_names:
        got, want = new.column(column).to_pylist(), old.column(column).to_pylist()
        for row, (g, w) in enumerate(zip(got, want, strict=True)):
            assert (g, type(g)) == (w, type(w)), f"{name}.{column} row {row}: page {g!r} vs per row {w!r}"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_page_equals_per_row_on_the_corpus(platform: str):
    payloads = [payload for _, payload in cases(platform)]
    old, old_failed, old_exceptions = per_row(platform, payloads)
    page = normalize_page(platform, payloads, shop_id=SHOP, fetched_at=FETCHED_AT, batch_id="b-diff")
    assert [(n, type(e), str(e)) for n, e in page.failed] == old_failed
    assert any(isinstance(e, BadRecord) for _, e in page.failed)  # the corpus does hold refused orders
    for table, rows in page.tables().items():
        assert rows.num_rows > 0
        assert_same_fields(f"{platform} {table}", rows, old[table])
        assert_same_fields(f"{platform} {table} as written", lake.conform(_table(table), rows), old[table])
    assert page.exceptions == old_exceptions and old_exceptions  # unreadable fields, unmapped statuses


def _table(name: str):
    return {"orders": ORDERS, "order_lines": ORDER_LINES, "order_events": ORDER_EVENTS}[name]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_page_of_each_order_alone_and_of_none(platform: str):
    """Lines and events are taken from the right order even when neighbours fail or have no lines."""
    payloads = [payload for _, payload in cases(platform, corruptions=40)]
    whole = normalize_page(platform, payloads, shop_id=SHOP, fetched_at=FETCHED_AT, batch_id="b-diff")
    singles = [normalize_page(platform, [p], shop_id=SHOP, fetched_at=FETCHED_AT, batch_id="b-diff")
               for p in payloads]
    for table in ("orders", "order_lines", "order_events"):
        glued = pa.concat_tables([getattr(s, table) for s in singles])
        assert_same_fields(f"{platform} {table}", getattr(whole, table), glued)
    empty = normalize_page(platform, [], shop_id=SHOP, fetched_at=FETCHED_AT, batch_id="b")
    assert [t.num_rows for t in empty.tables().values()] == [0, 0, 0]


@pytest.mark.parametrize("fetched_at", [datetime(2026, 6, 1, 8, tzinfo=timezone(timedelta(hours=8))),
                                        datetime(2026, 6, 1, 0, 0, 0, 7, tzinfo=UTC)])
def test_page_equals_per_row_for_a_fetch_time_in_another_zone(fetched_at: datetime):
    payloads = [payload for _, payload in cases("lazada", corruptions=20)]
    old, _, _ = per_row("lazada", payloads, fetched_at)
    page = normalize_page("lazada", payloads, shop_id=SHOP, fetched_at=fetched_at, batch_id="b-diff")
    for table, rows in page.tables().items():
        assert_same_fields(table, rows, old[table])


def test_per_row_outputs_equal_those_before_the_speed_ups():
    """Digests written from the per-row path before this branch changed the shared readers, ids and rows."""
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(want) == PLATFORMS
    for platform in PLATFORMS:
        got = {name: digest(outcome(platform, payload)) for name, payload in cases(platform)}
        changed = sorted(name for name in want[platform] if got.get(name) != want[platform][name])
        assert set(got) == set(want[platform]), platform
        assert not changed, f"{platform}: {len(changed)} outputs changed, e.g. {changed[:5]}"
