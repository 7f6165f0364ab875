"""Moving reservations on from the last move-on's record (models/inventory/moveon.py) writes what the full
move-on writes, in the same passes.

One story, stock A: 6 at Suzhou; lazada reserves on placing, unpaid for 30 min → expired:
  pass 1 (09:05, batch P Q X Y Z): P 2 (shopee, paid 09:01), Q 1 (09:02), X 1 (lazada, placed 09:00, never
      paid), Y 1 (shopee, paid 09:03, already picked 09:04), Z 1 (lazada, placed 09:00, paid 09:10)
      reserved → 0 available.
  pass 2 (09:20, every open order): Y's pick (in a file older than the pass, but Y was reserved after its
      move-on) → picked at 09:04. X's expiry (09:30) is not due.
  pass 3 (09:40): no file written since pass 2: X released as expired at 09:30 (Z was paid in time).
  then P shipped 10:00 (a new order version and events) and Q cancelled 10:05 (an order event alone),
      each in files written after pass 3; Z's payment corrected to 09:45 (a new order version alone).
  pass 4 (10:30): P released (shipped 10:00), Q released (cancelled 10:05), Z released as expired at 09:30
      (its latest payment time is after its expiry: the rule reads the latest), then reserved again as
      paid at 09:45 → 2 available.
  then Y shipped 10:45; the order events and reservation events are compacted.
  pass 5 (11:00): the files move-on read are gone, so it checks every reservation: Y released (shipped).
The same story with the record deleted before every pass (the full move-on each time) writes the same
events, each in the same pass (its `recorded_at` is the pass's time).
"""

from __future__ import annotations

from models import lake
from models.ids import event_id
from models.inventory import moveon, snapshot
from models.inventory.reserve import run_pass
from models.schema import TABLES
from models.settings import Settings
from tests.inventory.shop import at, order, query
from tests.inventory.test_reserve import setup

ORDER_COLUMNS = TABLES["orders"].schema.names
EVENTS = "select order_id, kind, reason, occurred_at, recorded_at from reservation_events order by all"
EXPECTED = sorted([
    ("P", "reserved", None, at(9, 1), at(9, 5)), ("Q", "reserved", None, at(9, 2), at(9, 5)),
    ("X", "reserved", None, at(9), at(9, 5)), ("Y", "reserved", None, at(9, 3), at(9, 5)),
    ("Z", "reserved", None, at(9), at(9, 5)), ("Z", "released", "expired", at(9, 30), at(10, 30)),
    ("Z", "reserved", None, at(9, 45), at(10, 30)),
    ("Y", "picked", None, at(9, 4), at(9, 20)),
    ("X", "released", "expired", at(9, 30), at(9, 40)),
    ("P", "released", "shipped", at(10), at(10, 30)), ("Q", "released", "cancelled", at(10, 5), at(10, 30)),
    ("Y", "released", "shipped", at(10, 45), at(11))])


def story(s: Settings, before_pass) -> list[int]:
    """Run the story; `before_pass()` runs before each pass. Returns each pass's moved-on count."""
    (s.data_dir / "config").mkdir(exist_ok=True)
    (s.data_dir / "config" / "inventory.toml").write_text(
        'unpaid_expiry_minutes = 30\n[channels.lazada]\nreserve_on = "placed"\n', encoding="utf-8")
    order(s.lake_dir, "P", "shopee", {"SP-A": 2}, {"placed": at(9), "paid": at(9, 1)})
    order(s.lake_dir, "Q", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2)})
    order(s.lake_dir, "X", "lazada", {"LZ-A": 1}, {"placed": at(9)})
    order(s.lake_dir, "Y", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 3), "picked": at(9, 4)})
    order(s.lake_dir, "Z", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 10)})
    moved = []

    def run(now, ids=None):
        before_pass()
        result = run_pass(s, ids, now=now)
        moved.append(result.moved_on)
        return result

    assert run(at(9, 5), ["P", "Q", "X", "Y", "Z"]).reserved == ["P", "Q", "X", "Y", "Z"]
    run(at(9, 20))
    run(at(9, 40))
    order(s.lake_dir, "P", "shopee", {"SP-A": 2}, {"placed": at(9), "paid": at(9, 1), "shipped": at(10)})
    lake.write(s.lake_dir, "order_events", [  # a cancellation alone, as a platform's event feed sends it
        {"event_id": event_id("Q", "cancelled", "platform", at(10, 5)), "order_id": "Q", "event": "cancelled",
         "source": "platform", "occurred_at": at(10, 5), "ingested_at": at(10, 5)}])
    z = query(s, "select * from lake_orders where order_id = 'Z'")[0]
    lake.write(s.lake_dir, "orders", [{**dict(zip(ORDER_COLUMNS, z, strict=True)), "paid_at": at(9, 45),
                                       "updated_at": at(9, 45), "ingested_at": at(9, 45)}])
    run(at(10, 30))
    order(s.lake_dir, "Y", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 3), "picked": at(9, 4),
                                                    "shipped": at(10, 45)})
    for table in ("order_events", "reservation_events"):
        lake.compact(s.lake_dir, table)
    run(at(11))
    return moved


def test_moving_on_from_the_record_equals_the_full_move_on(data_dir, monkeypatch):
    s = setup(data_dir, {("A", "Suzhou"): 6})
    plans = []
    real_plan = moveon.plan
    monkeypatch.setattr(moveon, "plan", lambda *a: plans.append(real_plan(*a)) or plans[-1])
    assert story(s, lambda: None) == [0, 1, 1, 3, 1]
    assert plans == [False, True, True, True, False]  # no record yet; …; the covered files were compacted
    assert query(s, EVENTS) == EXPECTED
    assert query(s, "select on_hand, reserved, allocated, available from inventory_pool") == [(3, 1, 0, 2)]


def test_the_full_move_on_every_time_gives_the_same(data_dir):
    """The reference: no record at the start of any pass (every active reservation checked, as before)."""
    s = setup(data_dir, {("A", "Suzhou"): 6})
    assert story(s, lambda: (snapshot.folder(s) / moveon.RECORD).unlink(missing_ok=True)) == [0, 1, 1, 3, 1]
    assert query(s, EVENTS) == EXPECTED


def test_no_saved_state_and_a_stale_record_gives_the_same(data_dir):
    """The saved state deleted before every pass (the full fold), the move-on record kept."""
    s = setup(data_dir, {("A", "Suzhou"): 6})

    def drop_state():
        for f in snapshot.folder(s).glob("state-*.parquet"):
            f.unlink()
    assert story(s, drop_state) == [0, 1, 1, 3, 1]
    assert query(s, EVENTS) == EXPECTED
