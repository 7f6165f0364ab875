"""Pick list content on tests/packing/fixture.py, worked out by hand.

Suzhou's wave (allocated, not on hold): P1, P2, P8 (P4 is held, P3 cancelled, P5 packed, P7 picked).
Purchased: A 2 (P1) + 1 (P8) = 3, B 1 (P2); gifts: G 1 (P1) + 2 (P8) = 3. Cut at 12:00 local: P1, P2 only.
Hefei: P6 alone (A 1, C 1), and not for a Suzhou-only user.
"""

from __future__ import annotations

import pytest

from models import packing, picklist
from models.access import Access
from models.auth import User
from models.db import connect
from models.settings import Settings
from tests.handmade import local
from tests.packing import fixture as pf

PAT = User("pat", "ops", Access())
SUZHOU = User("sam", "ops", Access(warehouses=("Suzhou",)))


@pytest.fixture
def lake(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir)
    pf.build(settings.lake_dir)
    return settings


def rows(df) -> list[tuple]:
    return [tuple(r) for r in df[["sku", "qty", "orders"]].itertuples(index=False)]


def test_one_list_per_warehouse_purchased_and_gifts_apart_sorted_by_sku(lake):
    db = connect(lake)
    assert picklist.warehouses(db, PAT) == ["Hefei", "Suzhou"]
    suzhou = picklist.pick_list(db, PAT, "Suzhou")
    assert suzhou.order_ids == ("OH-P1", "OH-P2", "OH-P8")
    assert rows(suzhou.purchased) == [("A", 3, "OH-P1, OH-P8"), ("B", 1, "OH-P2")]
    assert rows(suzhou.gifts) == [("G", 3, "OH-P1, OH-P8")]
    assert suzhou.sorted_by == "sku" and suzhou.wave == "Suzhou@all"
    hefei = picklist.pick_list(db, PAT, "Hefei")
    assert (hefei.order_ids, rows(hefei.purchased), hefei.gifts.empty) == (
        ("OH-P6",), [("A", 1, "OH-P6"), ("C", 1, "OH-P6")], True)


def test_a_wave_cut_by_payment_time(lake):
    cut = local(2, 12)
    wave = picklist.pick_list(connect(lake), PAT, "Suzhou", paid_before=cut)
    assert wave.order_ids == ("OH-P1", "OH-P2")
    assert rows(wave.purchased) == [("A", 2, "OH-P1"), ("B", 1, "OH-P2")]
    assert rows(wave.gifts) == [("G", 1, "OH-P1")]


def test_a_picked_order_leaves_the_wave_and_the_access_cuts_warehouses(lake):
    packing.scan(lake, PAT, "OH-P8", "picked")
    db = connect(lake)
    assert picklist.pick_list(db, PAT, "Suzhou").order_ids == ("OH-P1", "OH-P2")
    assert picklist.warehouses(db, SUZHOU) == ["Suzhou"]
    assert picklist.pick_list(db, SUZHOU, "Hefei").order_ids == ()


def test_printing_is_recorded(lake):
    pl = picklist.pick_list(connect(lake), PAT, "Suzhou")
    picklist.record_print(lake, PAT, pl, "pdf")
    got = connect(lake).con.execute("select user, action, target_type, target_id, after from actions").fetchall()
    assert got == [("pat", "print_pick_list", "pick_list", "Suzhou@all",
                    '{"format": "pdf", "orders": 3, "warehouse": "Suzhou"}')]
