"""Reservations on hand-made sequences: who gets the last unit, bundles, releases and expiry.

Stock throughout: SKU A counted 1 at Suzhou (safety 0) at 08:00 unless a test says otherwise.
"""

from __future__ import annotations

from datetime import timedelta

from models.inventory.reserve import run_pass
from models.inventory.stock import map_listing, record_counts
from models.settings import Settings
from tests.inventory.shop import at, exceptions, order, query, state


def setup(data_dir, stock: dict[tuple[str, str], int], safety: int = 0) -> Settings:
    settings = Settings(data_dir=data_dir)
    for channel, listing in (("shopee", "SP-A"), ("lazada", "LZ-A")):
        map_listing(settings.lake_dir, channel, listing, {"A": 1}, by="test", at=at(7))
    map_listing(settings.lake_dir, "shopee", "SP-KIT", {"A": 1, "B": 2}, by="test", at=at(7))
    record_counts(settings.lake_dir, [{"sku": sku, "warehouse": wh, "on_hand": n, "safety_stock": safety,
                                       "snapshot_at": at(8)} for (sku, wh), n in stock.items()], source="test")
    return settings


def test_last_unit_sold_on_two_channels_in_one_batch(data_dir):
    """One unit of A; lazada's order was paid at 09:01, shopee's at 09:02 → lazada's is reserved; shopee's is
    oversold, and its exception names both orders."""
    s = setup(data_dir, {("A", "Suzhou"): 1})
    order(s.lake_dir, "SP1", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2)})
    order(s.lake_dir, "LZ1", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 1)})
    result = run_pass(s, ["SP1", "LZ1"], now=at(9, 5))
    assert (result.reserved, result.oversold) == (["LZ1"], ["SP1"])
    assert state(s) == [("LZ1", "A", "Suzhou", 1, "reserved", None)]
    [(oid, kind, status, note)] = exceptions(s)
    assert (oid, kind, status) == ("SP1", "oversell", "open")
    assert "SP1 (shopee)" in note and "LZ1 (lazada)" in note and "SKU A: needs 1, 0 left" in note
    assert query(s, "select available from inventory_pool where sku = 'A'") == [(0,)]


def test_orders_of_one_batch_consume_each_others_stock_and_a_rerun_changes_nothing(data_dir):
    """A: 3 at Suzhou, 2 at Hefei, safety 1 each → available 2 + 1 = 3. Orders paid 09:01 (2 units, prefers
    Hefei), 09:02 (1), 09:03 (1): the first takes Hefei's 1 then Suzhou's 1 (Suzhou 1 left), the second takes
    Suzhou's last, the third is short (pool 0)."""
    s = setup(data_dir, {("A", "Suzhou"): 3, ("A", "Hefei"): 2}, safety=1)
    order(s.lake_dir, "O1", "shopee", {"SP-A": 2}, {"placed": at(9), "paid": at(9, 1)}, warehouse="Hefei")
    order(s.lake_dir, "O2", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2)})
    order(s.lake_dir, "O3", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 3)})
    first = run_pass(s, ["O3", "O1", "O2"], now=at(9, 5))
    assert (first.reserved, first.oversold) == (["O1", "O2"], ["O3"])
    assert state(s) == [("O1", "A", "Hefei", 1, "reserved", None), ("O1", "A", "Suzhou", 1, "reserved", None),
                        ("O2", "A", "Suzhou", 1, "reserved", None)]
    again = run_pass(s, ["O3", "O1", "O2"], now=at(9, 6))
    assert (again.reserved, again.oversold, again.moved_on) == ([], ["O3"], 0)
    assert query(s, "select count(*) from lake_reservation_events") == [(3,)]
    assert len(exceptions(s)) == 1


def test_bundle_reserves_each_component(data_dir):
    """SP-KIT = 1×A + 2×B. Ordered twice (qty 2): needs A 2, B 4. Stock A 5, B 3 → short of B (4 > 3): nothing
    is reserved (all or nothing). With B restocked to 6 by a later count, the next pass reserves A 2 and B 4
    and closes the oversell exception."""
    s = setup(data_dir, {("A", "Suzhou"): 5, ("B", "Suzhou"): 3})
    order(s.lake_dir, "K1", "shopee", {"SP-KIT": 2}, {"placed": at(9), "paid": at(9, 1)})
    assert run_pass(s, ["K1"], now=at(9, 5)).oversold == ["K1"]
    assert state(s) == []
    record_counts(s.lake_dir, [{"sku": "B", "warehouse": "Suzhou", "on_hand": 6, "snapshot_at": at(10)}],
                  source="test")
    assert run_pass(s, ["K1"], now=at(10, 5)).reserved == ["K1"]
    assert state(s) == [("K1", "A", "Suzhou", 2, "reserved", None), ("K1", "B", "Suzhou", 4, "reserved", None)]
    assert [e[:3] for e in exceptions(s)] == [("K1", "oversell", "resolved")]


def test_unmapped_listing_is_raised_not_guessed(data_dir):
    """A line of listing 'A' itself (an internal SKU name, but not mapped for tiktok) is not taken as SKU A."""
    s = setup(data_dir, {("A", "Suzhou"): 5})
    order(s.lake_dir, "T1", "tiktok", {"A": 1, "SP-A": 1}, {"placed": at(9), "paid": at(9, 1)})
    result = run_pass(s, ["T1"], now=at(9, 5))
    assert (result.reserved, result.unmapped) == ([], ["T1"])
    [(oid, kind, status, note)] = exceptions(s)
    assert (oid, kind, status) == ("T1", "unmapped_listing", "open") and "A, SP-A of channel tiktok" in note
    assert query(s, "select available from inventory_pool where sku = 'A'") == [(5,)]


def test_released_on_ship_and_cancel_and_picked_moves_to_allocated(data_dir):
    """A: 5 at Suzhou. P reserves 2, Q 1, R 1 (available 1). Then P is picked at 10:00 and shipped at 11:00,
    Q picked at 10:30, R cancelled at 10:15. After a pass at 12:00: P released (shipped) → on hand 5 − 2 = 3;
    Q allocated 1; R released (cancelled); available = 3 − 0 − 1 − 0 = 2."""
    s = setup(data_dir, {("A", "Suzhou"): 5})
    order(s.lake_dir, "P", "shopee", {"SP-A": 2}, {"placed": at(9), "paid": at(9, 1)})
    order(s.lake_dir, "Q", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2)})
    order(s.lake_dir, "R", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 3)})
    run_pass(s, ["P", "Q", "R"], now=at(9, 5))
    assert query(s, "select on_hand, reserved, allocated, available from inventory_pool") == [(5, 4, 0, 1)]
    order(s.lake_dir, "P", "shopee", {"SP-A": 2}, {"placed": at(9), "paid": at(9, 1), "picked": at(10),
                                                    "shipped": at(11)})
    order(s.lake_dir, "Q", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2), "picked": at(10, 30)})
    order(s.lake_dir, "R", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 3), "cancelled": at(10, 15)})
    assert run_pass(s, now=at(12)).moved_on == 3
    assert state(s) == [("P", "A", "Suzhou", 2, "released", "shipped"), ("Q", "A", "Suzhou", 1, "allocated", None),
                        ("R", "A", "Suzhou", 1, "released", "cancelled")]
    assert query(s, "select on_hand, reserved, allocated, available from inventory_pool") == [(3, 0, 1, 2)]


def test_unpaid_expiry_after_downtime_writes_what_a_punctual_job_would(data_dir):
    """lazada reserves on placing, 30-minute expiry. U placed 09:00, never paid; V placed 09:00, paid 09:20;
    W placed 09:00, paid 10:10 (after its expiry at 09:30). The job was down until 12:00. Then: U released
    'expired' at 09:30 (not 12:00); V keeps its reservation; W released at 09:30 and reserved again at 10:10."""
    s = setup(data_dir, {("A", "Suzhou"): 5})
    (s.data_dir / "config").mkdir(exist_ok=True)
    (s.data_dir / "config" / "inventory.toml").write_text(
        'unpaid_expiry_minutes = 30\n[channels.lazada]\nreserve_on = "placed"\n', encoding="utf-8")
    for oid in ("U", "V", "W"):
        order(s.lake_dir, oid, "lazada", {"LZ-A": 1}, {"placed": at(9)})
    run_pass(s, ["U", "V", "W"], now=at(9, 1))
    assert query(s, "select reserved, available from inventory_pool") == [(3, 2)]
    order(s.lake_dir, "V", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 20)})
    order(s.lake_dir, "W", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(10, 10)})
    run_pass(s, now=at(12))
    events = query(s, "select order_id, kind, reason, occurred_at from reservation_events order by order_id, "
                      "occurred_at, kind")
    assert [(o, k, r, t - at(9)) for o, k, r, t in events] == [
        ("U", "reserved", None, timedelta(0)), ("U", "released", "expired", timedelta(minutes=30)),
        ("V", "reserved", None, timedelta(0)),
        ("W", "reserved", None, timedelta(0)), ("W", "released", "expired", timedelta(minutes=30)),
        ("W", "reserved", None, timedelta(minutes=70))]
    assert query(s, "select reserved, available from inventory_pool") == [(2, 3)]
    run_pass(s, now=at(13))  # U stays released while unpaid: no new reservation, no new event
    assert query(s, "select count(*) from reservation_events") == [(6,)]
