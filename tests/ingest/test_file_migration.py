"""Item 4: history migration from separate orders, items and payments exports.

Items and payments attach to orders already in the lake (matched by platform order id), never create an
order, never change a status; rows of unknown orders are rejected with a reason or held until the order
arrives; one command takes the three files; long imports print progress. Expected values are read off
tests/fixtures/files/taobao_{orders,items,payments}.csv by hand.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from ingest.files.attach import attach_file
from ingest.files.importer import Progress, import_file
from ingest.files.profile import load_profile
from models import ids, lake
from models.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FILES, PROFILES = ROOT / "tests/fixtures/files", ROOT / "docs/profiles"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
LATER = datetime(2026, 6, 1, 1, tzinfo=UTC)  # the items file is imported after the orders file
KNOWN, OTHER, GHOST = "3912345678901234567", "3912345678901234568", "3999999999999999999"


def _rows(settings: Settings, sql: str) -> list[tuple]:
    tables = {t: [p.as_posix() for p in lake.data_files(settings.lake_dir, t)] for t in ("orders", "order_lines",
                                                                                          "order_events")}
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for name, files in tables.items():
        if files:
            con.execute(f"create view {name} as select * from read_parquet({files!r}, union_by_name=true)")
    return con.execute(sql).fetchall()


def _orders_then(tmp_path: Path) -> tuple[Settings, list[tuple]]:
    settings = Settings(data_dir=tmp_path / "data")
    import_file(FILES / "taobao_orders.csv", load_profile(PROFILES / "taobao-orders.toml"), settings.lake_dir, now=NOW)
    return settings, _rows(settings, "select order_id, status, raw_status, updated_at from orders order by 1")


def _oid(ref: str) -> str:
    return ids.order_id("tmall", "tmall-flagship", ref)


@pytest.mark.parametrize("chunk_orders", [1, 100_000])  # a chunk of one order: each looked up and written alone
def test_items_attach_to_known_orders_and_reject_unknown_ones(tmp_path, chunk_orders):
    settings, before = _orders_then(tmp_path)
    result = attach_file(FILES / "taobao_items.csv", load_profile(PROFILES / "taobao-items.toml"),
                         settings.lake_dir, now=LATER, chunk_orders=chunk_orders)
    assert _rows(settings, "select order_id, status, raw_status, updated_at from orders order by 1") == before
    lines = _rows(settings, f"select sku, qty, unit_price_cents, is_gift from order_lines where order_id = "
                            f"'{_oid(KNOWN)}' qualify row_number() over (partition by line_no order by "
                            f"ingested_at desc) = 1 order by line_no")
    assert lines == [("LJ-250", 1, 12800, False), ("SPOON", 1, 0, True)]
    assert _rows(settings, f"select count(*) from order_lines where order_id = '{_oid(GHOST)}'") == [(0,)]
    assert (result.orders, result.rejected_rows) == (2, 1)
    with open(result.reject_file, encoding="utf-8-sig") as fh:
        [reject] = list(csv.DictReader(fh))
    assert (reject["row"], reject["platform_order_id"]) == ("5", GHOST)
    assert "not in the lake" in reject["reason"] and "import its orders file first" in reject["reason"]


def test_payments_add_paid_and_refunded_events_without_touching_statuses(tmp_path):
    settings, before = _orders_then(tmp_path)
    result = attach_file(FILES / "taobao_payments.csv", load_profile(PROFILES / "taobao-payments.toml"),
                         settings.lake_dir, now=NOW)
    assert _rows(settings, "select order_id, status, raw_status, updated_at from orders order by 1") == before
    events = _rows(settings, f"select event, occurred_at, detail from order_events where order_id = "
                             f"'{_oid('3912345678901234571')}' and event in ('paid', 'refunded') and batch_id = "
                             f"'{result.batch_id}' order by occurred_at")
    assert [(e, at) for e, at, _ in events] == [
        ("paid", datetime(2026, 3, 3, 0, 0, tzinfo=UTC)), ("refunded", datetime(2026, 3, 5, 1, 30, tzinfo=UTC))]
    assert json.loads(events[1][2])["amount_cents"] == -500
    assert result.rejected_rows == 1 and _rows(settings, "select count(distinct order_id) from orders") == [(4,)]


def test_held_rows_wait_for_their_order_and_are_released_by_its_import(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    items = (PROFILES / "taobao-items.toml").read_text(encoding="utf-8").replace('"reject"', '"hold"')
    (tmp_path / "items.toml").write_text(items, encoding="utf-8")
    held = attach_file(FILES / "taobao_items.csv", load_profile(tmp_path / "items.toml"), settings.lake_dir, now=NOW)
    assert (held.orders, held.held_rows, held.rejected_rows) == (0, 4, 0) and held.held_file.exists()
    assert not lake.data_files(settings.lake_dir, "orders")  # nothing phantom
    proc = _cli(tmp_path, "--orders", FILES / "taobao_orders.csv", "--orders-profile", PROFILES / "taobao-orders.toml")
    assert proc.returncode == 1, proc.stderr  # the orders file itself has one row without an order number
    assert "released 3 held row(s)" in proc.stderr
    lines = f"select count(distinct line_no) from order_lines where order_id = '{_oid(KNOWN)}'"
    assert _rows(settings, lines) == [(2,)]
    [still] = list((settings.data_dir / "held").glob("*.csv"))  # the ghost order's row waits on
    assert GHOST in still.read_text(encoding="utf-8") and KNOWN not in still.read_text(encoding="utf-8")


def _cli(tmp_path: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ingest", "import", *map(str, args), "--data",
                           str(tmp_path / "data")], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_one_command_takes_the_three_files(tmp_path):
    proc = _cli(tmp_path, "--orders", FILES / "taobao_orders.csv", "--orders-profile", PROFILES / "taobao-orders.toml",
                "--items", FILES / "taobao_items.csv", "--items-profile", PROFILES / "taobao-items.toml",
                "--payments", FILES / "taobao_payments.csv", "--payments-profile", PROFILES / "taobao-payments.toml")
    assert proc.returncode == 1, proc.stderr  # rows of the unknown order are rejected, the rest imported
    assert proc.stdout.count("imported") == 3
    settings = Settings(data_dir=tmp_path / "data")
    assert _rows(settings, "select count(distinct order_id) from orders") == [(4,)]
    assert _rows(settings, "select count(*) from order_events where event = 'refunded'") == [(1,)]


def test_a_profile_of_another_kind_is_refused_for_a_flag(tmp_path):
    proc = _cli(tmp_path, "--items", FILES / "taobao_items.csv", "--items-profile", PROFILES / "taobao-orders.toml")
    assert proc.returncode == 2 and "kind is 'orders' but it was given for --items" in proc.stderr


def test_progress_prints_every_n_seconds_as_well_as_every_5_percent():
    out = io.StringIO()
    progress = Progress("import big.csv", 10_000, stream=out, every_s=0.0)
    for _ in range(3):
        progress.tick(10)  # 0.3%: below the 5% step, printed because the interval passed
    assert out.getvalue().splitlines()[-1].startswith("import big.csv:   0% (30/10,000 rows")
    assert len(out.getvalue().splitlines()) == 3
