"""The lake writer and views: atomic files, dedupe by natural key, idempotent re-writes, safe compaction."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

import models.db
from models import kpis, lake
from models.db import connect, retry_vanished
from models.kpis import Scope
from models.schema import TABLES
from models.settings import Settings
from tests import handmade
from tests.handmade import local

WEEK = Scope(date(2026, 2, 23), date(2026, 3, 8))


def snapshot(settings, materialize: bool = False) -> dict[str, pd.DataFrame]:
    """Every current-state view and every KPI output, sorted: what 'no query result changes' means."""
    db = connect(settings, materialize=materialize)
    try:
        views = {name: db.con.execute(f"select * from {name}").df() for name in (*TABLES, "order_facts")}
        views = {k: v.sort_values(list(v.columns[:2])).reset_index(drop=True) for k, v in views.items()}
        for name in ("summary", "daily_orders", "daily_lead_time", "exceptions_by_type", "hourly_intake"):
            views[f"kpi:{name}"] = kpis.run(db, name, WEEK, local(9, 0))
        views["kpi:stages"] = kpis.stage_durations(db, WEEK)
        return views
    finally:
        db.close()


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        pd.testing.assert_frame_equal(a[key], b[key], check_dtype=False, obj=key)


def test_files_are_partitioned_by_month(handmade_lake):
    files = lake.data_files(handmade_lake.lake_dir, "orders")
    assert sorted({f.parent.name for f in files}) == ["month=2026-02", "month=2026-03"]


def test_month_folders_are_the_utc_year_and_month_of_each_row(data_dir):
    """Partitions come from year and month numbers; each row lands where Arrow's strftime('%Y-%m') put it."""
    import random
    from datetime import UTC, datetime, timedelta

    import pyarrow as pa
    import pyarrow.compute as pc

    rng = random.Random(3)
    years = [1, 999, 1969, 2026]
    moments = [datetime(rng.choice(years), 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(4 * 10**7))
               for _ in range(300)] + [datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)]
    rows = [{"event_id": f"e{n}", "order_id": "o", "event": "placed", "source": "platform", "occurred_at": at}
            for n, at in enumerate(moments)]
    lake_dir = data_dir / "lake"
    lake.write(lake_dir, "order_events", rows)
    written = pd.concat([pd.read_parquet(f).assign(folder=f.parent.name)
                         for f in lake.data_files(lake_dir, "order_events")])
    months = pc.strftime(pa.array(moments, pa.timestamp("us", tz="UTC")), format="%Y-%m").to_pylist()
    want = {f"e{n}": f"month={month}" for n, month in enumerate(months)}
    assert dict(zip(written["event_id"], written["folder"], strict=True)) == want


def test_views_keep_the_current_version(handmade_db):
    status = handmade_db.con.execute("select status from orders where order_id = 'OH-A'").fetchall()
    assert status == [("shipped",)]  # the to_ship version is older
    n = handmade_db.con.execute("select count(*) from order_events where order_id = 'OH-A'").fetchone()[0]
    assert n == 8  # written twice, counted once
    raw = handmade_db.con.execute("select count(*) from lake_order_events where order_id = 'OH-A'").fetchone()[0]
    assert raw == 16


def test_rewriting_the_same_rows_changes_nothing(handmade_lake):
    before = snapshot(handmade_lake)
    handmade.build(handmade_lake.lake_dir)  # the whole batch again, as a re-run after a crash would
    assert_same(before, snapshot(handmade_lake))


def test_compaction_changes_no_result_and_merges_files(handmade_lake):
    handmade.build(handmade_lake.lake_dir)
    before = snapshot(handmade_lake)
    files_before = len(lake.data_files(handmade_lake.lake_dir, "order_events"))
    report = lake.compact(handmade_lake.lake_dir, "order_events")
    assert report.files_before == files_before > 2
    assert report.files_after == 2  # one per month
    assert len(lake.data_files(handmade_lake.lake_dir, "order_events")) == 2
    assert report.rows_after < report.rows_before  # exact copies dropped
    for table in TABLES:
        lake.compact(handmade_lake.lake_dir, table)
    assert_same(before, snapshot(handmade_lake))


def test_compaction_interrupted_before_removing_old_files(handmade_lake, monkeypatch):
    """Dying between writing the merged file and removing the old ones leaves duplicates the views hide."""
    before = snapshot(handmade_lake)
    monkeypatch.setattr("pathlib.Path.unlink", lambda self, missing_ok=False: None)
    lake.compact(handmade_lake.lake_dir, "orders")
    monkeypatch.undo()
    assert_same(before, snapshot(handmade_lake))


def test_a_failed_write_leaves_nothing_visible(data_dir, monkeypatch):
    lake_dir = data_dir / "lake"
    row = handmade.order_row("A")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", boom)
    with pytest.raises(OSError, match="No space"):
        lake.write(lake_dir, "orders", [row])
    monkeypatch.undo()
    assert lake.data_files(lake_dir, "orders") == []
    assert list(lake_dir.rglob("*")) == [] or all(p.is_dir() for p in lake_dir.rglob("*"))


def test_temp_files_of_live_writers_are_invisible(handmade_lake):
    folder = handmade_lake.lake_dir / "orders" / "month=2026-03"
    (folder / ".tmp-part-half.parquet").write_bytes(b"PAR1 half a file")
    db = connect(handmade_lake)
    assert db.problems == []
    assert db.con.execute("select count(*) from orders").fetchone()[0] == 7


def test_a_corrupt_file_is_named_and_left_out(handmade_lake):
    bad = handmade_lake.lake_dir / "orders" / "month=2026-03" / "part-corrupt.parquet"
    bad.write_bytes(b"not parquet at all")
    db = connect(handmade_lake)
    assert len(db.problems) == 1 and "part-corrupt.parquet" in db.problems[0]
    assert db.con.execute("select count(*) from orders").fetchone()[0] == 7  # the rest keeps working


def test_truncated_file_is_named_and_left_out(handmade_lake):
    good = lake.data_files(handmade_lake.lake_dir, "order_events")[-1]
    cut = good.with_name("part-truncated.parquet")
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    db = connect(handmade_lake)
    assert any("part-truncated.parquet" in p for p in db.problems)


@pytest.mark.parametrize(("rows", "message"), [
    ([{"order_id": "x", "colour": "red"}], "unknown column"),
    ([{"order_id": None, "placed_at": local(2, 1)}], "order_id"),
    ([{"order_id": "x", "placed_at": local(2, 1), "total_cents": "a lot"}], "does not fit"),
])
def test_bad_rows_are_refused_with_the_column_named(data_dir, rows, message):
    with pytest.raises(lake.LakeWriteError, match=message):
        lake.write(data_dir / "lake", "orders", rows)
    assert lake.data_files(data_dir / "lake", "orders") == []


def test_missing_keys_in_later_records_are_kept(data_dir):
    """Arrow infers columns from the first record alone; the writer must not lose later ones."""
    rows = [{"exception_id": "1", "detected_at": local(2, 1)},
            {"exception_id": "2", "detected_at": local(2, 1), "resolved_at": local(2, 3)}]
    (path,) = lake.write(data_dir / "lake", "exceptions", rows)
    assert pq.read_table(path).column("resolved_at").null_count == 1


def test_materialized_facts_give_the_same_results(handmade_lake):
    assert_same(snapshot(handmade_lake), snapshot(handmade_lake, materialize=True))


def test_a_platform_update_does_not_erase_routing_or_rule_flags(handmade_lake):
    """Routing sets warehouse/carrier and rules raise flags; the platform's next version knows neither."""
    routed = {**handmade.order_row("G"), "warehouse": "Suzhou", "carrier": "SF", "is_urgent": True,
              "updated_at": local(6, 1), "ingested_at": local(6, 1)}
    platform = {**handmade.order_row("G"), "warehouse": None, "carrier": None, "is_urgent": False,
                "status": "to_ship", "updated_at": local(6, 2), "ingested_at": local(6, 2)}
    lake.write(handmade_lake.lake_dir, "orders", [routed])
    lake.write(handmade_lake.lake_dir, "orders", [platform])
    db = connect(handmade_lake)
    row = db.con.execute("select status, warehouse, carrier, is_urgent from orders where order_id = 'OH-G'").fetchone()
    assert row == ("to_ship", "Suzhou", "SF", True)  # the newest status, the routing kept
    rerouted = {**platform, "warehouse": "Hefei", "updated_at": local(6, 3), "ingested_at": local(6, 3)}
    lake.write(handmade_lake.lake_dir, "orders", [rerouted])
    db = connect(handmade_lake)
    assert db.con.execute("select warehouse from orders where order_id = 'OH-G'").fetchone() == ("Hefei",)


def test_two_empty_lakes_have_different_versions(tmp_path):
    """The console caches its connection by lake version: two lakes must never share one."""
    from models.db import lake_version

    first, second = Settings(data_dir=tmp_path / "a"), Settings(data_dir=tmp_path / "b")
    assert lake_version(first) != lake_version(second)
    assert lake_version(first) == lake_version(Settings(data_dir=tmp_path / "a"))


@pytest.mark.parametrize("materialize", [False, True], ids=["views", "mart"])
def test_a_reader_lists_again_through_a_run_of_compactions(handmade_lake, monkeypatch, materialize):
    """`ingest serve` compacts every table and month when it starts: a reader that opens meanwhile finds a
    file it listed gone several times over, and must still open (it once gave up after three tries)."""
    lake_dir = handmade_lake.lake_dir
    ids = set(pq.read_table(lake.data_files(lake_dir, "orders")).column("order_id").to_pylist())
    copies = pq.read_table(lake.data_files(lake_dir, "orders")[0])  # rows the lake has: no result changes
    compactions, listing = [], models.db.readable_files

    def listed_then_compacted(lake_dir, name, problems):
        files = listing(lake_dir, name, problems)
        if name == "orders" and len(compactions) < 5:  # another writer's file lands, and compaction merges
            lake.write(lake_dir, "orders", copies)
            compactions.append(lake.compact(lake_dir, "orders"))
        return files

    monkeypatch.setattr(models.db, "readable_files", listed_then_compacted)
    db = connect(handmade_lake, materialize=materialize)
    try:
        seen = {row[0] for row in db.con.execute("select order_id from order_facts").fetchall()}
    finally:
        db.close()
    assert len(compactions) == 5 and all(c.partitions for c in compactions)
    assert seen == ids


def test_the_same_file_missing_twice_is_raised_not_waited_out(handmade_lake):
    """A read that fails on the same missing file after listing again is not a compaction race (a fresh
    listing no longer names a file compaction removed): it is raised on the second try, not after a minute."""
    db = connect(handmade_lake)
    tries = []

    def count_on_a_stale_connection() -> int:
        tries.append(1)
        return db.con.execute("select count(*) from lake_orders").fetchone()[0]

    try:
        lake.data_files(handmade_lake.lake_dir, "orders")[0].unlink()  # removed by hand, not merged away
        with pytest.raises(duckdb.IOException) as failed:
            retry_vanished(count_on_a_stale_connection)
    finally:
        db.close()
    assert models.db.vanished(failed.value) and len(tries) == 2
