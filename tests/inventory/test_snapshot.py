"""The saved reservation state (models/inventory/snapshot.py) gives the passes the full fold gives them.

One story, stock A: 5 at Suzhou counted 08:00 (safety 0); each pass at the time shown:
  pass 1 (09:05, batch P Q R): P 2 (paid 09:01), Q 1 (09:02), R 1 (09:03) reserved → 1 available.
  pass 2 (09:15, batch T): T wants 2 (paid 09:10), 1 available → oversold.
  then P picked 10:00, shipped 11:00; Q picked 10:30; R cancelled 10:15; S (lazada) wants 2, paid 11:30.
  pass 3 (12:00, batch S): P released (shipped), R released (cancelled), Q picked → on hand 5 − 2 = 3,
      allocated 1 → 2 available → S reserved → 0 available.
  the event files are compacted (or half compacted: the merged copy is there, the old files still too);
  A is counted 6 at 12:30.
  pass 4 (13:00, every open order): T: 6 − S 2 − Q 1 = 3 available → reserved (2) → 1 available; T's
      oversell exception resolved.
Each way of running it — from the saved state (saved rarely or after every pass), with the saved state
deleted before every pass (the full fold every time), with a crash after pass 3 wrote its events but
before it saved — ends with these figures, and after passes 3 and 4 the saved state folded forward equals
`reservation_state` over the events on a fresh connection.
"""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from models import lake
from models.db import connect
from models.inventory import passdb, snapshot
from models.inventory.events import reservation_event
from models.inventory.reserve import run_pass
from models.inventory.stock import record_counts
from models.settings import Settings
from tests.inventory.shop import at, exceptions, order, query
from tests.inventory.test_reserve import setup

STATE = ("select order_id, sku, warehouse, channel, qty, last_kind, reason, reserved_at, picked_at, changed_at, "
         "state from reservation_state order by order_id, sku, warehouse")
EVENTS = "select order_id, qty, kind, reason, occurred_at from reservation_events order by all"
EXPECTED_EVENTS = sorted([
    ("P", 2, "reserved", None, at(9, 1)), ("Q", 1, "reserved", None, at(9, 2)), ("R", 1, "reserved", None, at(9, 3)),
    ("P", 2, "released", "shipped", at(11)), ("Q", 1, "picked", None, at(10, 30)),
    ("R", 1, "released", "cancelled", at(10, 15)), ("S", 2, "reserved", None, at(11, 30)),
    ("T", 2, "reserved", None, at(9, 10))])
EXPECTED_STATE = [("P", 2, "released", "shipped"), ("Q", 1, "allocated", None), ("R", 1, "released", "cancelled"),
                  ("S", 2, "reserved", None), ("T", 2, "reserved", None)]


def saved_state(s: Settings) -> tuple[int | None, list[tuple]]:
    """What a pass starts from: the saved state with the files it does not cover folded in (and how many)."""
    db, files = passdb.connect(s)
    try:
        lag = snapshot.load(db, files["reservation_events"])
        return lag, db.sql(STATE).fetchall()
    finally:
        db.close()


def assert_saved_state_is_the_fold(s: Settings) -> int | None:
    lag, rows = saved_state(s)
    assert rows == query(s, STATE)
    return lag


def _all_events(s: Settings) -> list[dict]:
    """Every stored event row, as compaction's merged file would hold them."""
    db = connect(s)
    try:
        return db.con.sql("select * from lake_reservation_events").to_arrow_table().to_pylist()
    finally:
        db.close()


def story(s: Settings, before_pass, pass3, compaction) -> dict[str, object]:
    """Run the story; `before_pass()` runs before each pass, `pass3()` runs pass 3. Returns the pass results."""
    out: dict[str, object] = {}
    for oid, ch, listing, qty, paid in (("P", "shopee", "SP-A", 2, at(9, 1)), ("Q", "shopee", "SP-A", 1, at(9, 2)),
                                        ("R", "lazada", "LZ-A", 1, at(9, 3))):
        order(s.lake_dir, oid, ch, {listing: qty}, {"placed": at(9), "paid": paid})
    before_pass()
    out["1"] = run_pass(s, ["P", "Q", "R"], now=at(9, 5))
    order(s.lake_dir, "T", "shopee", {"SP-A": 2}, {"placed": at(9, 9), "paid": at(9, 10)})
    before_pass()
    out["2"] = run_pass(s, ["T"], now=at(9, 15))
    order(s.lake_dir, "P", "shopee", {"SP-A": 2}, {"placed": at(9), "paid": at(9, 1), "picked": at(10),
                                                    "shipped": at(11)})
    order(s.lake_dir, "Q", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2), "picked": at(10, 30)})
    order(s.lake_dir, "R", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 3), "cancelled": at(10, 15)})
    order(s.lake_dir, "S", "lazada", {"LZ-A": 2}, {"placed": at(11, 29), "paid": at(11, 30)})
    before_pass()
    out["3"] = pass3()
    out["lag3"] = assert_saved_state_is_the_fold(s)
    compaction(s)
    record_counts(s.lake_dir, [{"sku": "A", "warehouse": "Suzhou", "on_hand": 6, "safety_stock": 0,
                                "snapshot_at": at(12, 30)}], source="test")
    before_pass()
    out["lag4_before"] = saved_state(s)[0]
    out["4"] = run_pass(s, now=at(13))
    out["lag4"] = assert_saved_state_is_the_fold(s)
    return out


def assert_outcome(s: Settings, out: dict[str, object]) -> None:
    assert (out["1"].reserved, out["2"].oversold, out["4"].reserved) == (["P", "Q", "R"], ["T"], ["T"])
    assert query(s, EVENTS) == EXPECTED_EVENTS
    assert [(r[0], r[4], r[10], r[6]) for r in query(s, STATE)] == EXPECTED_STATE
    assert query(s, "select on_hand, reserved, allocated, available from inventory_pool") == [(6, 4, 1, 1)]
    assert [e[:3] for e in exceptions(s)] == [("T", "oversell", "resolved")]


def pass3_of(s: Settings):
    return lambda: run_pass(s, ["S"], now=at(12))


@pytest.mark.parametrize("save_after, compaction", [(snapshot.SAVE_AFTER, "full"), (1, "half")])
def test_passes_from_the_saved_state_equal_the_full_fold(data_dir, monkeypatch, save_after, compaction):
    monkeypatch.setattr(snapshot, "SAVE_AFTER", save_after)
    s = setup(data_dir, {("A", "Suzhou"): 5})
    compact = (lambda st: lake.compact(st.lake_dir, "reservation_events")) if compaction == "full" else \
        (lambda st: lake.write(st.lake_dir, "reservation_events", _all_events(st)))
    out = story(s, lambda: None, pass3_of(s), compact)
    assert_outcome(s, out)
    assert (out["3"].reserved, out["3"].moved_on) == (["S"], 3)
    if compaction == "full":  # pass 1's files (all the saved state covers) were merged away: fold everything
        assert out["lag4_before"] is None
    else:  # saved after pass 3; the merged copy is the one file it does not cover, every event in it a repeat
        assert out["lag3"] == 0 and out["lag4_before"] == 1


def test_the_full_fold_every_time_gives_the_same(data_dir):
    """The reference: no saved state at the start of any pass (as before the snapshot existed)."""
    s = setup(data_dir, {("A", "Suzhou"): 5})
    out = story(s, lambda: shutil.rmtree(snapshot.folder(s), ignore_errors=True), pass3_of(s),
                lambda st: lake.compact(st.lake_dir, "reservation_events"))
    assert_outcome(s, out)


def test_a_crash_between_the_events_and_the_save_loses_nothing(data_dir, monkeypatch):
    """Pass 3 writes its events and dies before saving its state: the next pass folds those files in."""
    monkeypatch.setattr(snapshot, "SAVE_AFTER", 1)
    s = setup(data_dir, {("A", "Suzhou"): 5})

    def crashing_pass3():
        with monkeypatch.context() as m:
            m.setattr(snapshot, "save", lambda *a: (_ for _ in ()).throw(OSError("power cut")))
            with pytest.raises(OSError):
                run_pass(s, ["S"], now=at(12))
        return None

    out = story(s, lambda: None, crashing_pass3, lambda st: None)
    assert out["lag3"] == 2  # pass 3's two files (releases, S reserved) are not covered
    assert_outcome(s, out)


def test_a_repeated_latest_event_counts_as_the_view_dedupes_it(data_dir):
    """o1 reserved 2 at 10:00 (saved), then the same event id written again with qty 3 and a later recorded_at:
    the view keeps the later version, so o1 holds 3; o2 (untouched) holds 1."""
    s = Settings(data_dir=data_dir)
    first = [reservation_event("o1", "shopee", "A", "Suzhou", 2, "reserved", at(10), recorded_at=at(10)),
             reservation_event("o2", "shopee", "A", "Suzhou", 1, "reserved", at(9), recorded_at=at(9))]
    lake.write(s.lake_dir, "reservation_events", first)
    db, files = passdb.connect(s)
    try:
        assert snapshot.load(db, files["reservation_events"]) is None
        snapshot.save(db, files["reservation_events"])
    finally:
        db.close()
    again = {**first[0], "qty": 3, "recorded_at": datetime(2026, 3, 2, 10, 5, tzinfo=at(10).tzinfo)}
    lake.write(s.lake_dir, "reservation_events", [again])
    lag, rows = saved_state(s)
    assert lag == 1
    assert [(r[0], r[4], r[10]) for r in rows] == [("o1", 3, "reserved"), ("o2", 1, "reserved")]
    assert rows == query(s, STATE)
