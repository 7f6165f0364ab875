"""The pass's own state (models/inventory/state.py): computed once, its new events folded in by the rule.

History: o1 reserved 2 at 10:00; o2 reserved 1 at 09:00, picked at 10:00; o3 reserved 1 at 11:00 (Hefei);
o4 reserved 3 at 08:00. The pass then writes: o1 released (shipped) at 12:00; o2 released (cancelled) at
10:00, the instant it was picked (released ranks after picked, so it wins); o3 picked at 10:30, BEFORE its
reservation (the latest step stays `reserved`; picked_at 10:30 is kept). o4 is untouched. Worked out:
  o1 released/shipped, reserved 10:00, no pick, changed 12:00
  o2 released/cancelled, reserved 09:00, picked 10:00, changed 10:00
  o3 reserved, reserved 11:00, picked 10:30, changed 11:00
  o4 reserved, reserved 08:00, changed 08:00
and a fresh connection over the lake with the new events gives the same rows (the view is the truth).
"""

from __future__ import annotations

from datetime import UTC, datetime

from models import lake
from models.db import connect
from models.inventory import state
from models.inventory.events import reservation_event
from models.settings import Settings

COLS = "order_id, warehouse, qty, state, reason, reserved_at, picked_at, changed_at"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def ev(order_id: str, kind: str, when: datetime, qty: int, wh: str = "Suzhou", reason: str | None = None) -> dict:
    return reservation_event(order_id, "shopee", "A", wh, qty, kind, when, reason=reason, recorded_at=when)


def rows(db) -> list[tuple]:
    return db.con.execute(f"select {COLS} from reservation_state order by order_id").fetchall()


def test_fold_equals_the_view_over_the_lake(data_dir):
    settings = Settings(data_dir=data_dir)
    lake.write(settings.lake_dir, "reservation_events", [
        ev("o1", "reserved", at(10), 2), ev("o2", "reserved", at(9), 1), ev("o2", "picked", at(10), 1),
        ev("o3", "reserved", at(11), 1, "Hefei"), ev("o4", "reserved", at(8), 3)])
    new = [ev("o1", "released", at(12), 2, reason="shipped"), ev("o2", "released", at(10), 1, reason="cancelled"),
           ev("o3", "picked", at(10, 30), 1, "Hefei")]
    db = connect(settings)
    try:
        state.freeze(db)
        lake.write(settings.lake_dir, "reservation_events", new)  # as the pass does: write, then fold
        state.fold(db, new)
        folded = rows(db)
    finally:
        db.close()
    expected = [
        ("o1", "Suzhou", 2, "released", "shipped", at(10), None, at(12)),
        ("o2", "Suzhou", 1, "released", "cancelled", at(9), at(10), at(10)),
        ("o3", "Hefei", 1, "reserved", None, at(11), at(10, 30), at(11)),
        ("o4", "Suzhou", 3, "reserved", None, at(8), None, at(8)),
    ]
    assert folded == expected
    fresh = connect(settings)
    try:
        assert rows(fresh) == expected
    finally:
        fresh.close()
