"""An undone packing-station scan times no stage: live view and persisted mart, after an incremental refresh.

Hand-made sequence on P2 of tests/packing/fixture.py (paid 10:00 local, 2026-03-02): picked 10:30; packed
10:40 by mistake, undone at 10:45; packed 11:30; shipped 12:00 by mistake, undone at 12:05. Worked out by
hand: picked 10:30, packed 11:30 (picked→packed 1.0 h), not shipped, no rework, variant placed → paid →
picked → packed.
"""

from __future__ import annotations

import pytest

from models import facts_mart, packing
from models.access import Access
from models.auth import User
from models.db import connect
from models.settings import Settings
from tests.handmade import local
from tests.packing import fixture as pf

PAT = User("pat", "ops", Access())
COLUMNS = "picked_at, packed_at, shipped_at, h_picked_packed, lead_hours, rework_count, variant"
EXPECTED = (local(2, 10, 30), local(2, 11, 30), None, 1.0, None, 0, "placed,paid,picked,packed")


@pytest.fixture
def lake(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir)
    pf.build(settings.lake_dir)
    return settings


def _facts(settings: Settings, materialize: bool) -> tuple:
    db = connect(settings, materialize=materialize)
    try:
        return db.con.execute(f"select {COLUMNS} from order_facts where order_id = 'OH-P2'").fetchone()
    finally:
        db.close()


def _scan(settings: Settings, step: str, hour: int, minute: int) -> str:
    return packing.scan(settings, PAT, "OH-P2", step, now=local(2, hour, minute)).event_id


def test_an_undone_scan_times_no_stage_in_the_view_or_the_mart(lake):
    _scan(lake, "picked", 10, 30)
    wrong_packed = _scan(lake, "packed", 10, 40)
    facts_mart.refresh(lake)  # the mart holds the wrong scan; the undo must reach it incrementally
    assert _facts(lake, True)[1] == local(2, 10, 40)
    packing.undo(lake, PAT, wrong_packed, "scanned the wrong parcel", now=local(2, 10, 45))
    _scan(lake, "packed", 11, 30)
    wrong_shipped = _scan(lake, "shipped", 12, 0)
    packing.undo(lake, PAT, wrong_shipped, "not handed over yet", now=local(2, 12, 5))
    assert _facts(lake, False) == EXPECTED
    facts_mart.refresh(lake)
    assert _facts(lake, True) == EXPECTED
