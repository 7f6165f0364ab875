"""A file of any size: read twice, built and written a chunk of orders at a time, an order's rows gathered even
when they lie apart. Expected values are read off tests/fixtures/files/shopify_orders_export.csv by hand:
#1001 (Id 5551001) has TEA-01 ×2 at 25.00 then the gift CUP-GIFT; #1004's second row has quantity 'x'."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest

from ingest.files.importer import import_file
from ingest.files.orders import OrderBuilder
from ingest.files.profile import load_profile
from ingest.files.tables import ImportFileError, Table
from models import ids, lake
from tests.ingest.test_file_import import NOW, SHOPIFY, current

TEA_THEN_GIFT = [(1, "TEA-01", 2, 2500, False), (2, "CUP-GIFT", 1, 0, True)]


def _rows() -> list[list[str]]:
    with open(SHOPIFY[0], encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _import(tmp_path: Path, path: Path, chunk_orders: int, workers: int = 1):
    return import_file(path, load_profile(SHOPIFY[1]), tmp_path / "lake", now=NOW, stream=io.StringIO(),
                       chunk_orders=chunk_orders, workers=workers)


def _lines(tmp_path: Path, ref: str) -> list[tuple]:
    oid = ids.order_id("shopify", "shopify-us", ref)
    return current(tmp_path, f"select line_no, sku, qty, unit_price_cents, is_gift from order_lines "
                             f"where order_id = '{oid}' order by 1")


def _rejects(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize(("chunk_orders", "workers"), [(1, 1), (2, 1), (50_000, 1), (1, 2), (50_000, 3)])
def test_an_orders_rows_apart_in_the_file_make_one_whole_order(tmp_path: Path, chunk_orders: int, workers: int):
    header, tea, cup, *rest = _rows()
    path = _write(tmp_path / "apart.csv", [header, tea, *rest[:2], cup, *rest[2:]])  # #1002, #1003 between
    result = _import(tmp_path, path, chunk_orders, workers)
    assert (result.orders, result.lines, result.rejected_rows) == (3, 4, 2)
    assert _lines(tmp_path, "5551001") == TEA_THEN_GIFT
    assert current(tmp_path, "select has_gift, total_cents from orders where platform_order_id = '5551001'") == [
        (True, 5490)]
    assert current(tmp_path, "select count(*), count(distinct order_id) from lake_orders") == [(3, 3)]
    assert [r[:3] for r in _rejects(result.reject_file)] == [
        ["row", "platform_order_id", "field"], ["6", "#1004", "(order)"], ["7", "#1004", "qty (Lineitem quantity)"]]


def test_each_chunk_is_written_as_it_is_built(tmp_path: Path):
    result = _import(tmp_path, SHOPIFY[0], chunk_orders=1)
    assert (result.orders, result.lines) == (3, 4)
    assert len(lake.data_files(tmp_path / "lake", "orders")) == 3  # one file per chunk of one order (all March)
    assert _lines(tmp_path, "5551001") == TEA_THEN_GIFT


@pytest.mark.parametrize("workers", [1, 2])
def test_rejects_of_every_chunk_land_in_one_list_by_row(tmp_path: Path, workers: int):
    rows = _rows()
    rows[4][0] = " "  # #1003 loses its order number: that row alone is rejected
    result = _import(tmp_path, _write(tmp_path / "two.csv", rows), chunk_orders=1, workers=workers)
    assert result.orders == 2 and result.rejected_rows == 3
    assert [r[0] for r in _rejects(result.reject_file)] == ["row", "5", "6", "7"]
    assert sorted(p.name for p in result.reject_file.parent.iterdir()) == [result.reject_file.name]  # parts gone


def test_two_workers_build_each_order_once_and_every_order(tmp_path: Path):
    header, *body = _rows()
    rows = [header]
    for k in range(40):  # 40 copies of the file's orders under new numbers: 160 orders, 10 of them rejected
        rows += [[f"{r[0]}-{k}", *r[1:25], f"{r[25]}{k:02d}" if r[25] else ""] for r in body]
    result = _import(tmp_path, _write(tmp_path / "many.csv", rows), chunk_orders=7, workers=2)
    assert (result.orders, result.lines, result.rejected_rows) == (120, 160, 80)
    assert current(tmp_path, "select count(*), count(distinct order_id) from lake_orders") == [(120, 120)]
    assert current(tmp_path, "select count(*) from lake_order_lines") == [(160,)]
    assert _lines(tmp_path, "555100107") == TEA_THEN_GIFT


def test_a_file_changed_between_its_two_readings_is_refused(tmp_path: Path):
    path = _write(tmp_path / "moving.csv", _rows())
    table = Table(path, load_profile(SHOPIFY[1]), group_by="Name")
    assert table.count == 6 and table.apart("#1001") is False
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write("#1005,,,,,,,,,,,,,1,Late,1.00,L-1,,,,,,,,,\n")
    with pytest.raises(ImportFileError, match="changed while it was being imported"):
        list(table.keyed())


def test_the_time_cap_is_for_reading_the_file_not_for_building_its_orders(tmp_path: Path, monkeypatch):
    profile = tmp_path / "slow.toml"
    profile.write_text(SHOPIFY[1].read_text("utf-8") + "\n[limits]\nmax_seconds = 1\n", encoding="utf-8")
    real = OrderBuilder.order

    def slow(*args, **kwargs):  # a large file: building its orders takes far longer than reading it
        time.sleep(0.6)
        return real(*args, **kwargs)

    monkeypatch.setattr(OrderBuilder, "order", slow)
    result = import_file(SHOPIFY[0], load_profile(profile), tmp_path / "lake", now=NOW, stream=io.StringIO())
    assert (result.orders, result.lines) == (3, 4)
