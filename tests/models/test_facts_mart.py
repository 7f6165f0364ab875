"""The persisted order_facts mart equals the live view after every kind of lake change, and refreshes only
the orders an ingest touched."""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import replace
from datetime import datetime, timedelta

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from models import facts_mart, lake, lookup
from models.auth import User
from models.db import connect, vanished
from models.facts_mart import mart_dir, read_manifest, refresh
from models.schema import TABLES
from models.settings import Settings
from tests import handmade
from tests.handmade import local, order_row


def live(settings: Settings) -> pd.DataFrame:
    db = connect(settings)
    try:
        return db.con.execute("select * from order_facts order by order_id").df()
    finally:
        db.close()


def mart(settings: Settings) -> pd.DataFrame:
    db = connect(settings)  # only for a DuckDB to read the snapshot with
    try:
        return db.con.execute(f"select * from {facts_mart.read_sql(refresh(settings).facts)} order by order_id").df()
    finally:
        db.close()


def exception_facts(settings: Settings, materialize: bool) -> pd.DataFrame:
    db = connect(settings, materialize=materialize)
    try:
        return db.con.execute("select * from exception_facts order by exception_id").df()
    finally:
        db.close()


def assert_mart_is_live(settings: Settings) -> None:
    pd.testing.assert_frame_equal(mart(settings), live(settings))
    pd.testing.assert_frame_equal(exception_facts(settings, True), exception_facts(settings, False))


def manifest(settings: Settings) -> facts_mart.Manifest:
    found = read_manifest(mart_dir(settings))
    assert found is not None
    return found


def ingest_batch(settings: Settings) -> None:
    """One ingest-like batch touching six orders: H new, C a new version, A a new event, E a new
    wrong_item exception, B's exception dismissed (a new version of X1), F a console action."""
    d = settings.lake_dir
    handmade.ORDERS["H"] = ("jd", "j1", "Chengdu", "CNY", 9900, local(3, 8), local(3, 8, 5), None, "paid")
    try:
        lake.write(d, "orders", [order_row("H"), order_row("C", status="completed", updated_at=local(5, 9))])
    finally:
        del handmade.ORDERS["H"]
    lake.write(d, "order_events", [
        {"event_id": "EV-H1", "order_id": "OH-H", "event": "placed", "source": "platform",
         "occurred_at": local(3, 8), "ingested_at": local(3, 8)},
        {"event_id": "EV-A9", "order_id": "OH-A", "event": "delivered", "source": "carrier",
         "occurred_at": local(4, 15), "ingested_at": local(4, 15)},
    ])
    exc = {"type": "wrong_item", "severity": "high", "detected_at": local(4, 9), "due_at": local(4, 13),
           "updated_at": local(4, 12), "ingested_at": local(4, 12)}
    lake.write(d, "exceptions", [{**exc, "exception_id": "X3", "order_id": "OH-E", "status": "open"},
                                 {**exc, "exception_id": "X1", "order_id": "OH-B", "status": "dismissed"}])
    lake.write(d, "actions", [{"action_id": "A2", "occurred_at": local(4, 10), "user": "ops.demo", "role": "ops",
                               "action": "note", "target_type": "order", "target_id": "OH-F", "order_id": "OH-F"}])


def flags(settings: Settings) -> dict[str, tuple]:
    frame = mart(settings).set_index("order_id")
    return {o: (r.status, bool(r.has_action), bool(r.has_accuracy_exception), r.delivered_at is not pd.NaT)
            for o, r in frame.iterrows()}


def test_full_build_equals_the_live_view(handmade_lake):
    assert_mart_is_live(handmade_lake)
    m = manifest(handmade_lake)
    assert (m.mode, m.rows) == ("full", 7)


def test_an_unchanged_lake_reuses_the_snapshot(handmade_lake):
    first = refresh(handmade_lake)
    lake.write(handmade_lake.lake_dir, "order_lines", [{"order_id": "OH-A", "line_no": 1, "sku": "S1",
                                                                  "placed_at": local(2, 10)}])
    assert refresh(handmade_lake) == first  # order_facts does not read order lines


def test_incremental_refresh_recomputes_only_the_touched_orders(handmade_lake):
    refresh(handmade_lake)
    ingest_batch(handmade_lake)
    assert sum(len(pd.read_parquet(p)) for p in refresh(handmade_lake).facts) == 8
    m = manifest(handmade_lake)
    assert (m.mode, m.recomputed, m.rows) == ("incremental", 6, 8)  # H, C, A, E, B, F; D and G untouched
    assert_mart_is_live(handmade_lake)
    got = flags(handmade_lake)
    assert got["OH-C"][0] == "completed" and got["OH-H"][0] == "paid"
    assert got["OH-F"][1] and got["OH-E"][2] and not got["OH-B"][2]  # action; new and dismissed exception
    assert got["OH-A"][3] and not got["OH-B"][3]


def test_a_compaction_re_points_the_mart_without_recomputing(handmade_lake):
    refresh(handmade_lake)
    ingest_batch(handmade_lake)
    before = refresh(handmade_lake).facts
    for table in facts_mart.DEPENDS_ON:
        lake.compact(handmade_lake.lake_dir, table)
    assert_mart_is_live(handmade_lake)
    assert (manifest(handmade_lake).mode, manifest(handmade_lake).recomputed) == ("repointed", 0)
    assert refresh(handmade_lake).facts == before  # the same snapshot files: nothing was rewritten


def test_a_compaction_of_files_the_mart_has_not_seen_recomputes_their_orders(handmade_lake):
    refresh(handmade_lake)
    ingest_batch(handmade_lake)  # not refreshed: the merged files hold rows the mart lacks
    for table in facts_mart.DEPENDS_ON:
        lake.compact(handmade_lake.lake_dir, table)
    assert_mart_is_live(handmade_lake)
    assert manifest(handmade_lake).mode == "incremental"


def test_a_compaction_that_died_before_removing_the_old_files(handmade_lake):
    refresh(handmade_lake)
    folder = lake.data_files(handmade_lake.lake_dir, "order_events")[0].parent
    group = sorted(folder.glob("*.parquet"))
    merged = lake.conform(TABLES["order_events"], pa.concat_tables([pq.read_table(p) for p in group]))
    lake._atomic_write(lake.with_replaced(merged, handmade_lake.lake_dir, group), folder)  # then the process died
    assert_mart_is_live(handmade_lake)  # the merged file is new: its orders are recomputed
    for p in group:  # a rerun of the compaction removes them
        p.unlink()
    assert_mart_is_live(handmade_lake)
    assert manifest(handmade_lake).mode == "repointed"


def test_a_file_removed_or_rewritten_by_anything_else_forces_a_full_rebuild(handmade_lake):
    refresh(handmade_lake)
    lake.rewrite_column(handmade_lake.lake_dir, "orders", "receiver_name", lambda v: v and v.upper())
    assert_mart_is_live(handmade_lake)
    assert manifest(handmade_lake).mode == "full"
    lake.data_files(handmade_lake.lake_dir, "actions")[0].unlink()
    assert_mart_is_live(handmade_lake)
    assert manifest(handmade_lake).mode == "full"


def test_a_crash_before_the_manifest_leaves_the_old_mart_and_recovers(handmade_lake, monkeypatch):
    old = refresh(handmade_lake)
    ingest_batch(handmade_lake)

    def crash(*args: object) -> None:
        raise OSError("power cut")

    with monkeypatch.context() as patch:
        patch.setattr(facts_mart, "_write_manifest", crash)
        with pytest.raises(OSError):
            refresh(handmade_lake)
    assert manifest(handmade_lake).paths(mart_dir(handmade_lake)) == old.facts  # readers still see the old mart
    # the batch touches three parts (F is February's, H is placed on 3 March UTC, the others on 2 March): the
    # old files plus the crashed refresh's three orphans, which are cleaned after GRACE_S
    assert len(list(mart_dir(handmade_lake).glob("facts-*.parquet"))) == len(old.facts) + 3
    assert_mart_is_live(handmade_lake)
    assert manifest(handmade_lake).mode == "incremental"


def test_a_corrupt_snapshot_or_manifest_is_rebuilt(handmade_lake):
    snapshot = refresh(handmade_lake).facts[0]
    snapshot.write_bytes(snapshot.read_bytes()[:100])
    ingest_batch(handmade_lake)
    assert_mart_is_live(handmade_lake)
    assert manifest(handmade_lake).mode == "full"
    (mart_dir(handmade_lake) / "manifest.json").write_text("{not json")
    assert_mart_is_live(handmade_lake)


def test_new_settings_rebuild_the_mart(handmade_lake):
    refresh(handmade_lake)
    dearer = replace(handmade_lake, fx_rates={**handmade_lake.fx_rates, "USD": 8.0})
    gmv = mart(dearer).set_index("order_id")["gmv_cents"]
    assert gmv["OH-C"] == 2000 * 8  # 20.00 USD at 8.0
    assert manifest(dearer).mode == "full"


def test_the_console_connection_reads_the_mart(handmade_lake):
    db = connect(handmade_lake, materialize=True)
    try:
        views = {v for (v,) in db.con.execute("select view_name from duckdb_views() where not internal").fetchall()}
        assert {"order_facts", "order_facts_live"} <= views  # order_facts reads the mart's files in place
        assert "order_facts" not in {t for (t,) in db.con.execute("select table_name from duckdb_tables()").fetchall()}
    finally:
        db.close()
    ingest_batch(handmade_lake)
    db = connect(handmade_lake, materialize=True)
    try:
        got = db.con.execute("select * from order_facts order by order_id").df()
    finally:
        db.close()
    pd.testing.assert_frame_equal(got, live(handmade_lake))
    assert json.loads((mart_dir(handmade_lake) / "manifest.json").read_text())["mode"] == "incremental"


def new_order(key: str, placed: datetime, updated: datetime | None = None) -> dict:
    """An order row like the hand-made ones, placed at `placed` (its placing corrected when `updated` is later)."""
    return {**order_row("D", updated_at=updated or placed), "order_id": f"OH-{key}", "platform_order_id": key,
            "placed_at": placed}


def test_a_refresh_rewrites_only_the_parts_its_orders_were_placed_in(handmade_lake):
    refresh(handmade_lake)
    before = manifest(handmade_lake).parts
    # F placed 23 Feb; the others on 2 March (UTC), the newest month, which is kept by day
    assert sorted(before) == ["2026-02", "2026-03-02"]
    lake.write(handmade_lake.lake_dir, "order_events", [  # a late event of a February order, stamped in March
        {"event_id": "EV-F9", "order_id": "OH-F", "event": "delivered", "source": "carrier",
         "occurred_at": local(3, 10), "ingested_at": local(3, 10)}])
    assert_mart_is_live(handmade_lake)
    after = manifest(handmade_lake)
    assert (after.mode, after.recomputed) == ("incremental", 1)
    assert after.parts["2026-03-02"] == before["2026-03-02"]  # untouched part: same file
    assert after.parts["2026-02"] != before["2026-02"]
    assert before["2026-02"] in after.retired  # kept for readers that listed it, deleted after GRACE_S

    lake.write(handmade_lake.lake_dir, "orders", [new_order("H", local(6, 12))])  # a new order on 6 March
    assert_mart_is_live(handmade_lake)
    last = manifest(handmade_lake)
    assert sorted(last.parts) == ["2026-02", "2026-03-02", "2026-03-06"]
    assert (last.parts["2026-02"], last.parts["2026-03-02"]) == (after.parts["2026-02"], after.parts["2026-03-02"])
    assert set(last.keys) == set(last.quality) == set(last.parts)


def test_a_refresh_reads_events_stamped_days_before_their_order_across_a_month_edge(handmade_lake):
    """A platform whose clock runs behind: a new order placed on 3 March (UTC) whose `paid` event is stamped
    6 days earlier, in February's partition. The refresh reads the lake from `events_from` the earliest
    touched placing (7 days before it, models/sql/macros.sql), so it finds the event as the full build does."""
    refresh(handmade_lake)
    placed = local(3, 12)
    lake.write(handmade_lake.lake_dir, "orders", [new_order("K", placed)])
    lake.write(handmade_lake.lake_dir, "order_events", [
        {"event_id": "EV-K1", "order_id": "OH-K", "event": "paid", "source": "platform",
         "occurred_at": placed - timedelta(days=6), "ingested_at": placed}])
    assert_mart_is_live(handmade_lake)
    assert manifest(handmade_lake).mode == "incremental"
    assert mart(handmade_lake).set_index("order_id").loc["OH-K", "paid_at"] == pd.Timestamp(placed - timedelta(days=6))


def test_the_newest_month_is_kept_by_day_and_merged_when_a_newer_one_starts(handmade_lake):
    """April's first order merges March's days into one part (once); when that order's placing is corrected
    back into March, March is the newest month again and is split by day at the next refresh. The mart equals
    the live view throughout, and the lookup finds orders of every part."""
    refresh(handmade_lake)
    lake.write(handmade_lake.lake_dir, "orders", [new_order("H", local(1, 12, month=4))])
    assert_mart_is_live(handmade_lake)
    assert sorted(manifest(handmade_lake).parts) == ["2026-02", "2026-03", "2026-04-01"]
    db = connect(handmade_lake, materialize=True)
    try:
        for key in ("A", "G", "H", "F"):
            assert list(lookup.search(db, f"OH-{key}", User("o", "ops")).order_id) == [f"OH-{key}"]
        blocks = db.con.execute("select count(*), count(distinct block) from lookup_keys where blob is not null")
        assert len(set(blocks.fetchone())) == 1  # block numbers stay unique across the parts
    finally:
        db.close()

    lake.write(handmade_lake.lake_dir, "orders", [new_order("H", local(5, 12), updated=local(2, 12, month=4))])
    assert_mart_is_live(handmade_lake)  # H moved back into March: in the mart once
    lake.write(handmade_lake.lake_dir, "order_events", [
        {"event_id": "EV-A9", "order_id": "OH-A", "event": "delivered", "source": "carrier",
         "occurred_at": local(6, 15), "ingested_at": local(6, 15)}])
    assert_mart_is_live(handmade_lake)
    assert sorted(manifest(handmade_lake).parts) == ["2026-02", "2026-03-02", "2026-03-05"]
    assert manifest(handmade_lake).mode == "incremental"


def test_an_order_whose_placing_time_is_corrected_moves_month_once(handmade_lake):
    refresh(handmade_lake)
    moved = {**order_row("C", updated_at=local(5, 9)), "placed_at": local(27, 9, month=2)}
    lake.write(handmade_lake.lake_dir, "orders", [moved])
    assert_mart_is_live(handmade_lake)  # C is in February now and no longer in March: not twice, not lost
    got = mart(handmade_lake).set_index("order_id")
    assert got.loc["OH-C", "placed_at"] == pd.Timestamp(local(27, 9, month=2))
    assert len(got) == 7


def test_replaced_files_are_deleted_after_the_grace_period(handmade_lake, monkeypatch):
    refresh(handmade_lake)
    ingest_batch(handmade_lake)
    monkeypatch.setattr(facts_mart, "GRACE_S", -1)
    refresh(handmade_lake)
    on_disk = {p.name for p in mart_dir(handmade_lake).glob("*.parquet")}
    assert on_disk == manifest(handmade_lake).names()


def test_a_batch_of_rows_for_unknown_orders_changes_nothing(handmade_lake):
    refresh(handmade_lake)
    lake.write(handmade_lake.lake_dir, "order_events", [  # an event that arrived before its order
        {"event_id": "EV-Z1", "order_id": "OH-Z", "event": "paid", "source": "platform",
         "occurred_at": local(4, 10), "ingested_at": local(4, 10)}])
    assert_mart_is_live(handmade_lake)
    assert (manifest(handmade_lake).mode, manifest(handmade_lake).rows) == ("incremental", 7)


def settlement(line: str, order: str, line_type: str, cents: int, at: datetime, ingested: datetime,
               currency: str = "CNY") -> dict:
    return {"settlement_id": line, "channel": "shopee", "shop_id": "s1", "platform_order_id": f"P-{order}",
            "order_id": order, "line_type": line_type, "amount_cents": cents, "currency": currency,
            "settled_at": at, "ingested_at": ingested, "report": "income", "source_line_id": line}


def test_a_settlement_import_recomputes_its_orders_and_counts_each_line_once(handmade_lake):
    """Order A (CNY 100.00, placed 2 March): a sale line imported, then corrected (a later version of the same
    line), a refund line, a line in another currency and one stamped 8 days before the placing (neither is
    counted), and a line of an order the lake does not hold. Only A is recomputed."""
    refresh(handmade_lake)
    d = handmade_lake.lake_dir
    lake.write(d, "settlements", [
        settlement("L1", "OH-A", "sale", 9000, local(9, 10), local(9, 12)),
        settlement("L2", "OH-A", "refund", -1500, local(12, 10), local(12, 11)),
        settlement("L3", "OH-A", "sale", 700, local(10, 10), local(10, 11), currency="USD"),
        settlement("L4", "OH-A", "adjustment", -300, local(2, 10) - timedelta(days=8), local(10, 11)),
        settlement("L9", "OH-Z", "sale", 5000, local(9, 10), local(9, 12)),
    ])
    lake.write(d, "settlements", [settlement("L1", "OH-A", "sale", 9400, local(9, 10), local(13, 9))])
    assert_mart_is_live(handmade_lake)
    m = manifest(handmade_lake)
    assert (m.mode, m.recomputed, m.rows) == ("incremental", 2, 7)  # A and the unknown Z, which has no row
    row = mart(handmade_lake).set_index("order_id").loc["OH-A"]
    assert (row.settlement_lines, row.sale_lines, row.settled_cents, row.refund_lines_cents) == (2, 1, 7900, -1500)
    assert row.last_settled_at == pd.Timestamp(local(12, 10))
    untouched = mart(handmade_lake).set_index("order_id").drop(index="OH-A")
    assert (untouched.settlement_lines == 0).all() and untouched.last_settled_at.isna().all()


def test_a_data_dir_copied_whole_keeps_its_mart(handmade_lake, tmp_path):
    first = manifest_after(handmade_lake)
    moved = replace(handmade_lake, data_dir=tmp_path / "moved")
    shutil.copytree(handmade_lake.data_dir, moved.data_dir)
    assert manifest_after(moved).parts == first.parts  # same files: no rebuild
    ingest_batch(moved)
    assert_mart_is_live(moved)
    assert manifest(moved).mode == "incremental"


def manifest_after(settings: Settings) -> facts_mart.Manifest:
    refresh(settings)
    return manifest(settings)


def _listing(settings: Settings) -> dict[str, list[str]]:
    return {t: [p.as_posix() for p in lake.data_files(settings.lake_dir, t)] for t in facts_mart.DEPENDS_ON}


def test_a_writer_that_listed_before_another_refreshed_takes_that_work(handmade_lake):
    """The console lists the lake, then waits for the lock while `ingest serve` refreshes past that listing:
    it reads the newer mart instead of rebuilding every month to go back to its own listing."""
    refresh(handmade_lake)
    earlier = _listing(handmade_lake)
    ingest_batch(handmade_lake)
    newer = refresh(handmade_lake)
    assert manifest(handmade_lake).mode == "incremental"
    written = (mart_dir(handmade_lake) / facts_mart.MANIFEST).read_bytes()
    assert refresh(handmade_lake, earlier).facts == newer.facts
    assert (mart_dir(handmade_lake) / facts_mart.MANIFEST).read_bytes() == written  # nothing rebuilt or rewritten


def test_a_listing_compacted_since_is_refused_before_any_work(handmade_lake):
    """A reader that listed the lake before a compaction merged some of it away lists again (models.db's
    retry): the refresh says so at once instead of starting a full build that fails at the missing file."""
    refresh(handmade_lake)
    written = (mart_dir(handmade_lake) / facts_mart.MANIFEST).read_bytes()
    stale = _listing(handmade_lake)
    ingest_batch(handmade_lake)
    lake.compact(handmade_lake.lake_dir, "order_events")
    with pytest.raises(FileNotFoundError) as refused:
        refresh(handmade_lake, stale)
    assert vanished(refused.value)
    assert (mart_dir(handmade_lake) / facts_mart.MANIFEST).read_bytes() == written
    assert_mart_is_live(handmade_lake)  # a fresh listing refreshes as usual


def test_two_writers_at_once_build_the_mart_once(handmade_lake):
    """Two threads (two console sessions, or a session and the scheduler) refresh an empty mart together:
    one builds it, the other finds it built; one set of part files, not two."""
    results: list[facts_mart.Snapshot] = []
    threads = [threading.Thread(target=lambda: results.append(refresh(handmade_lake))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 2 and results[0].facts == results[1].facts
    parts = ["2026-02", "2026-03-02"]  # F in February; the others on 2 March, the newest month's one day
    assert len(list(mart_dir(handmade_lake).glob("facts-*.parquet"))) == len(parts) == len(results[0].facts)
    assert_mart_is_live(handmade_lake)
