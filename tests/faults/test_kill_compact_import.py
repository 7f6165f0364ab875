"""SIGKILL `python -m ingest compact` and `python -m ingest import` mid-way, many times, each time at a point
the test observes in the lake (the n-th file written or removed: tests/faults/kill.py): no query result
changes while compaction dies at any point, and a killed import run again leaves exactly one copy."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from models import lake
from models.db import connect
from models.settings import Settings
from tests import handmade
from tests.faults.kill import ROOT, cli, kill_when_changed, kill_when_files
from tests.models.test_lake import assert_same, snapshot

TAOBAO_CSV = ROOT / "tests" / "fixtures" / "files" / "taobao_orders.csv"
TAOBAO_PROFILE = ROOT / "docs" / "profiles" / "taobao-orders.toml"


def many_small_files(settings: Settings, n: int = 150) -> None:
    """The hand-made lake plus `n` orders (and events) of that week, each written as its own file."""
    handmade.build(settings.lake_dir)
    for i in range(n):
        placed = handmade.local(2 + i % 7, i % 24, i % 60)
        row = {**handmade.order_row("E"), "order_id": f"OH-S{i}", "platform_order_id": f"S{i}",
               "placed_at": placed, "paid_at": placed + timedelta(minutes=5)}
        lake.write(settings.lake_dir, "orders", [row])
        lake.write(settings.lake_dir, "order_events", [
            {**ev, "order_id": f"OH-S{i}", "event_id": f"{ev['event_id']}-S{i}"} for ev in handmade.event_rows("E")])


@pytest.mark.slow
def test_compaction_killed_anywhere_changes_no_result(data_dir: Path):
    settings = Settings(data_dir=data_dir)
    many_small_files(settings)
    before, files_before = snapshot(settings), len(lake.data_files(settings.lake_dir, "orders"))
    kills = 0
    for changes in (0, 2, 20, 60):  # kill at the n-th file compaction adds or removes, as observed
        kills += kill_when_changed(settings.lake_dir, ("compact",), changes)
        assert_same(before, snapshot(settings))  # whatever state the kill left
    assert kills >= 3, "compaction finished before it could be killed"
    done = cli(data_dir, "compact")
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err.decode()[-2000:]
    assert_same(before, snapshot(settings))
    assert len(lake.data_files(settings.lake_dir, "orders")) < files_before
    visible = [f.parent.name for f in lake.data_files(settings.lake_dir, "orders")]
    assert len(visible) == len(set(visible))  # one file per month; a killed write's temp file is no data file


def big_taobao_csv(path: Path, orders: int) -> None:
    """The Taobao fixture's rows repeated under new order numbers: `orders` × 7 rows."""
    header, *rows = TAOBAO_CSV.read_text(encoding="utf-8").splitlines()
    out = [header]
    for i in range(orders):
        for row in rows:
            number, rest = row.split(",", 1)
            if number:  # the fixture's numbers differ in the last digit; one row has none (a reject)
                number = f'="{int(number[2:-1]) + 10 * i}"'
            out.append(f"{number},{rest}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def imported(settings: Settings) -> dict[str, object]:
    db = connect(settings)
    try:
        return {"orders": sorted(db.sql("select order_id, status, total_cents from orders").fetchall()),
                "lines": sorted(db.sql("select order_id, line_no, sku, qty from order_lines").fetchall()),
                "order_versions": db.sql("select count(*) from (select distinct * exclude (ingested_at) "
                                         "from lake_orders)").fetchone()[0]}
    finally:
        db.close()


@pytest.mark.slow
def test_import_killed_mid_way_then_rerun_gives_one_copy(tmp_path: Path):
    csv = tmp_path / "taobao-big.csv"
    big_taobao_csv(csv, orders=3000)
    args = ("import", str(csv), "--profile", str(TAOBAO_PROFILE))
    clean, crashed = Settings(data_dir=tmp_path / "clean"), Settings(data_dir=tmp_path / "crashed")
    ok = cli(clean.data_dir, *args)
    _, err = ok.communicate(timeout=300)
    assert ok.returncode in (0, 1), err.decode()[-2000:]  # 1: some fixture rows are rejected on purpose
    expected = imported(clean)
    assert len(expected["orders"]) == 3000 * 4  # the fixture imports 4 of its orders, rejects 2

    kills = [kill_when_files(crashed.lake_dir, args, k) for k in (0, 1, 2, 3)]
    assert sum(kills) >= 3, f"the import finished before it could be killed ({kills}): make the file bigger"
    final = cli(crashed.data_dir, *args)
    _, err = final.communicate(timeout=300)
    assert final.returncode == ok.returncode, err.decode()[-2000:]
    assert imported(crashed) == expected
