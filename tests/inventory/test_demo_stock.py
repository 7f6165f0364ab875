"""The demo history carries inventory: receipts, low-stock periods, reservations and oversells at the peak."""

from __future__ import annotations

from models.db import connect


def test_demo_has_movements_low_stock_and_peak_oversells(demo_settings):
    db = connect(demo_settings)
    try:
        kinds = db.sql("select kind, count(*) from stock_movements group by kind").fetchall()
        # a day when a SKU × warehouse counted less than its safety stock: nothing left to sell then
        low_days = db.sql("select count(*) from inventory where on_hand < safety_stock").fetchone()[0]
        over = db.sql("select order_id, note from exceptions where type = 'oversell' and source = 'inventory'"
                      ).fetchall()
        reserved_oversold = db.sql(
            "select count(*) from reservation_events where order_id in (select order_id from exceptions "
            "where type = 'oversell' and source = 'inventory')").fetchone()[0]
        peak_days = db.sql(
            "select count(distinct date_trunc('day', o.paid_at)) from orders o join exceptions e using (order_id) "
            "where e.type = 'oversell' and e.source = 'inventory'").fetchone()[0]
        states = dict(db.sql("select state, count(*) from reservation_state group by state").fetchall())
    finally:
        db.close()
    assert [k for k, _ in kinds] == ["receipt"] and kinds[0][1] > 0
    assert low_days > 0
    assert len(over) >= 3 and all(note.count("OH-") == 2 for _, note in over)  # the order and the one that won
    assert reserved_oversold == 0 and peak_days <= 2  # all on the big peak (its UTC day may straddle two)
    assert states["released"] > 0 and states["reserved"] > 0
