"""Low stock and oversell raise alerts through reports/alerts.py.

A: 1 at Suzhou; OH-LZ1 reserved it, OH-SP1 oversold → A@Suzhou available 0 (low) and one open oversell.
B: 9 at Hefei, nothing sold → not low (no sales: no days of cover, and stock left).
"""

from __future__ import annotations

from models.db import connect
from models.inventory.reserve import run_pass
from reports.alerts import conditions
from reports.config import load_email_config
from tests.inventory.shop import at, order
from tests.inventory.test_reserve import setup


def test_low_stock_and_oversell_alert(data_dir):
    s = setup(data_dir, {("A", "Suzhou"): 1, ("B", "Hefei"): 9})
    order(s.lake_dir, "OH-SP1", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2)})
    order(s.lake_dir, "OH-LZ1", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 1)})
    run_pass(s, ["OH-SP1", "OH-LZ1"], now=at(9, 5))
    db = connect(s)
    try:
        found = {c.kind: c for c in conditions(db, load_email_config(s), at(10)) if c.kind in ("lowstock", "oversell")}
    finally:
        db.close()
    assert found["lowstock"].detail == "Low stock: 1 SKU × warehouse(s), e.g. A@Suzhou"
    assert found["oversell"].key == "oversell:OH-SP1" and "OH-SP1, OH-LZ1" in found["oversell"].detail
