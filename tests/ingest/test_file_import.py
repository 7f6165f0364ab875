"""CSV/XLSX import: expected rows worked out by hand from tests/fixtures/files/* and docs/profiles/*."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.files.importer import Progress, import_file
from ingest.files.profile import ProfileError, load_profile
from models import db, ids, lake
from models.settings import load_settings
from tests.ingest.conftest import FIXTURES, utc

ROOT = Path(__file__).resolve().parents[2]
TAOBAO = (FIXTURES / "files" / "taobao_orders.csv", ROOT / "docs" / "profiles" / "taobao-orders.toml")
SHOPIFY = (
    FIXTURES / "files" / "shopify_orders_export.csv",
    ROOT / "docs" / "profiles" / "shopify-orders.toml",
)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def run_import(tmp_path: Path, pair: tuple[Path, Path], now: datetime = NOW):
    return import_file(pair[0], load_profile(pair[1]), tmp_path / "lake", now=now, stream=io.StringIO())


def current(tmp_path: Path, query: str) -> list[tuple]:
    lake = db.connect(load_settings(tmp_path))
    try:
        return lake.sql(query).fetchall()
    finally:
        lake.close()


def test_taobao_export(tmp_path: Path):
    result = run_import(tmp_path, TAOBAO)
    assert (result.rows, result.orders, result.lines, result.rejected_rows) == (7, 4, 4, 3)
    rows = current(
        tmp_path,
        "select platform_order_id, status, total_cents, shipping_cents, receiver_province, "
        "receiver_city, placed_at, paid_at, currency from orders order by 1",
    )
    first = rows[0]
    assert first[:6] == ("3912345678901234567", "to_ship", 12800, 0, "浙江", "杭州")  # ="…" unwrapped
    assert first[6] == utc("2026-03-01T02:15:30Z")  # 10:15:30 Asia/Shanghai
    assert first[7] == utc("2026-03-01T02:16:02Z") and first[8] == "CNY"
    assert rows[1][:6] == ("3912345678901234568", "shipped", 5990, 1000, "江苏", "南京")
    assert rows[2][1] == "cancelled" and rows[2][4:6] == ("上海", "上海")
    assert rows[3][1] == "unknown"  # 部分退款中 is in no map: kept, with an exception
    shipped = current(tmp_path, "select occurred_at from order_events where event = 'shipped'")
    assert shipped == [(utc("2026-03-02T10:30:00Z"),)]
    [exc] = current(tmp_path, "select type, order_id from exceptions")
    assert exc == ("unmapped_status", ids.order_id("tmall", "tmall-flagship", "3912345678901234571"))


def test_taobao_rejects_name_row_field_and_reason(tmp_path: Path):
    result = run_import(tmp_path, TAOBAO)
    assert result.reject_file == tmp_path / "rejects" / "taobao_orders-20260601T000000Z.csv"
    with open(result.reject_file, encoding="utf-8-sig", newline="") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["row"], r["field"]) for r in rejects] == [
        ("5", "total_cents (买家实际支付金额)"),
        ("7", "order (订单编号)"),
        ("8", "placed (订单创建时间)"),
    ]
    assert rejects[0]["reason"] == (
        "not an amount: 'abc' (expected decimal '.', thousands ',', no exponent, e.g. 1,299.50)"
    )
    assert all(r["reason"] for r in rejects)


def test_shopify_export_groups_line_rows(tmp_path: Path):
    result = run_import(tmp_path, SHOPIFY)
    assert (result.orders, result.lines, result.rejected_rows) == (3, 4, 2)
    oid = ids.order_id("shopify", "shopify-us", "5551001")  # the API's numeric id, as the API normalizer uses
    [order] = current(
        tmp_path,
        f"select status, raw_status, total_cents, shipping_cents, receiver_phone, buyer_note, "
        f"placed_at, has_gift from orders where order_id = '{oid}'",
    )
    assert order == (
        "to_ship",
        "paid/unfulfilled",
        5490,
        490,
        "+1 555 0199",
        "gift wrap please",
        utc("2026-03-01T15:15:30Z"),
        True,
    )
    lines = current(
        tmp_path,
        f"select line_no, sku, qty, unit_price_cents, is_gift from order_lines "
        f"where order_id = '{oid}' order by 1",
    )
    assert lines == [(1, "TEA-01", 2, 2500, False), (2, "CUP-GIFT", 1, 0, True)]
    cancelled = current(tmp_path, "select status from orders where platform_order_id = '5551003'")
    assert cancelled == [("cancelled",)]


def test_one_bad_row_rejects_its_whole_order(tmp_path: Path):
    result = run_import(tmp_path, SHOPIFY)
    assert current(tmp_path, "select count(*) from orders where platform_order_id = '5551004'") == [(0,)]
    with open(result.reject_file, encoding="utf-8-sig", newline="") as fh:
        rejects = {r["row"]: r for r in csv.DictReader(fh)}
    assert rejects["7"]["reason"] == "not a whole number of items: 'x'"
    assert rejects["6"]["reason"].startswith("order rejected: row 7")


def test_reimport_adds_nothing_visible(tmp_path: Path):
    run_import(tmp_path, SHOPIFY)
    query = "select * exclude (ingested_at) from {t} order by all"
    tables = ("orders", "order_lines", "order_events")
    before = {t: current(tmp_path, query.format(t=t)) for t in tables}
    run_import(tmp_path, SHOPIFY, now=datetime(2026, 6, 2, tzinfo=UTC))
    assert {t: current(tmp_path, query.format(t=t)) for t in tables} == before
    assert current(tmp_path, "select count(*) from raw") == [(6,)]


def test_crash_between_tables_then_rerun_gives_one_copy(tmp_path: Path, monkeypatch):
    real_write = lake.write

    def dies_on_orders(lake_dir, table, rows):
        if table == "orders":
            raise KeyboardInterrupt("killed")
        return real_write(lake_dir, table, rows)

    monkeypatch.setattr(lake, "write", dies_on_orders)
    with pytest.raises(KeyboardInterrupt):
        run_import(tmp_path, SHOPIFY)
    assert current(tmp_path, "select count(*) from orders") == [(0,)]
    monkeypatch.setattr(lake, "write", real_write)
    run_import(tmp_path, SHOPIFY)
    assert current(tmp_path, "select count(*), count(distinct order_id) from orders") == [(3, 3)]
    assert current(tmp_path, "select count(*) from order_lines") == [(4,)]
    assert current(tmp_path, "select count(*) from lake_order_lines") == [
        (8,)
    ]  # twice in files, once in view


def test_raw_rows_archived_with_sha256(tmp_path: Path):
    run_import(tmp_path, TAOBAO)
    raws = current(tmp_path, "select kind, payload, sha256, channel from raw")
    assert len(raws) == 7 and {r[0] for r in raws} == {"file"} and {r[3] for r in raws} == {"tmall"}
    for _, payload, sha, _ in raws:
        assert hashlib.sha256(payload.encode("utf-8")).hexdigest() == sha
    assert any(json.loads(p)["订单状态"] == "部分退款中" for _, p, _, _ in raws)


def test_xlsx_export(tmp_path: Path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    with open(SHOPIFY[0], encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.reader(fh)):
            if n and row[25]:
                row[25] = float(row[25])  # Excel keeps numeric ids as floats
            if n == 1:
                row[12] = datetime(2026, 3, 1, 10, 15, 30)  # a real date cell: America/New_York per profile
            sheet.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = import_file(path, load_profile(SHOPIFY[1]), tmp_path / "lake", now=NOW, stream=io.StringIO())
    assert (result.orders, result.lines) == (3, 4)
    rows = current(tmp_path, "select placed_at from orders where platform_order_id = '5551001'")
    assert rows == [(utc("2026-03-01T15:15:30Z"),)]  # 10:15:30 EST


def test_progress_every_five_percent_with_the_time_left():
    out = io.StringIO()
    progress = Progress("import big.csv", 100, stream=out, min_rows=10)
    for _ in range(100):
        progress.tick()
    lines = out.getvalue().splitlines()
    assert len(lines) == 20 and lines[0].startswith("import big.csv:   5% (5/100 rows,")
    assert lines[-1].startswith("import big.csv: 100%") and lines[-1].endswith("rows/s)")
    assert all(line.endswith(" s left)") for line in lines[:-1])  # the time left at the rate so far


def cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingest", "import", *args, "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_imports_and_reports_rejects(tmp_path: Path):
    proc = cli(str(TAOBAO[0]), "--profile", str(TAOBAO[1]), data=tmp_path)
    assert proc.returncode == 1
    assert "imported 4 order(s), 4 line(s) from 7 row(s)" in proc.stdout
    assert "3 row(s) rejected; see" in proc.stderr


def _profile(tmp_path: Path, text: str) -> Path:
    base = SHOPIFY[1].read_text(encoding="utf-8")
    path = tmp_path / "p.toml"
    path.write_text(text if text.startswith("[") else base.replace(*text.split("=>")), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ('shop = "shopify-us"\n=>', "[source] is missing required key 'shop'"),
        ('sku = "Lineitem sku"=>skew = "Lineitem sku"', "[columns] 'skew' is not a known canonical field"),
        (
            '"voided/unfulfilled" = "cancelled"=>"voided/unfulfilled" = "void"',
            "'void' is not a canonical status",
        ),
        (
            'timezone = "America/New_York"=>timezone = "Mars/Olympus"',
            "'Mars/Olympus' is not a known IANA zone",
        ),
        (
            'placed = "Created at"=>placed_on = "Created at"',
            "[events] 'placed_on' is not a known lifecycle event",
        ),
        (
            'group_by = "Name"=>group_by = "Name"\n[amounts]\ndecimal = ","\nthousands = ","',
            "[amounts] decimal must be one of ('.', ',') and thousands one of",
        ),
        ('group_by = "Name"=>group_by = "Name"\n[amounts]\nrefunds = 1', "[amounts] refunds must be true or false"),
        (
            'group_by = "Name"=>group_by = "Name"\n[limits]\nmax_qty = 0',
            "[limits] max_qty must be a whole number of at least 1",
        ),
        ('group_by = "Name"=>group_by = "Name"\n[limits]\nmax_rows = 5', "[limits] 'max_rows' is not a known key"),
    ],
)
def test_bad_profiles(tmp_path: Path, edit: str, message: str):
    with pytest.raises(ProfileError) as err:
        load_profile(_profile(tmp_path, edit))
    assert message in str(err.value)
    proc = cli(str(SHOPIFY[0]), "--profile", str(_profile(tmp_path, edit)), data=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr


def test_file_errors(tmp_path: Path):
    cases = {
        "missing.csv": "cannot read file",
        "orders.txt": "unknown file type '.txt'",
    }
    (tmp_path / "orders.txt").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "wrong.csv").write_text("Name,Total\n#1,2.00\n", encoding="utf-8")
    cases["wrong.csv"] = (
        "column 'Id' named in shopify-orders.toml is not in the file; columns are: 'Name', 'Total'"
    )
    for name, message in cases.items():
        proc = cli(str(tmp_path / name), "--profile", str(SHOPIFY[1]), data=tmp_path)
        assert proc.returncode == 2 and message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    proc = cli(str(SHOPIFY[0]), "--profile", str(tmp_path / "nope.toml"), data=tmp_path)
    assert proc.returncode == 2 and "cannot read profile" in proc.stderr

