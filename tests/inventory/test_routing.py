"""Routing against available-to-sell: batch orders consume each other's stock, a short preferred warehouse
falls through to the next rule, and a split shipment is proposed only where a rule allows it.

Stock of A: Suzhou 2, Hefei 2 (safety 0). Rules: route-suzhou (every order, split allowed), then route-hefei.
  O1 A×3 paid 09:01: Suzhou 2 < 3, Hefei 2 < 3 → not routed; proposal "Suzhou: A×2; Hefei: A×1" (pool 4 ≥ 3).
  O2 A×2 paid 09:02: Suzhou 2 → routed there (Suzhou 0 left).
  O3 A×1 paid 09:03: Suzhou 0 → falls through → Hefei (1 left).
  O4 A×1 paid 09:04: Hefei's last unit.
Without `split = true`, O1's note says no warehouse has every line.
"""

from __future__ import annotations

from models.db import connect
from models.rules.apply import apply_rules
from models.rules.config import parse
from models.settings import Settings
from tests.inventory.shop import at, order
from tests.inventory.test_reserve import setup

RULES = """
[[rules]]
id = "route-suzhou"
kind = "routing"
when = "true"
warehouse = "Suzhou"
split = {split}

[[rules]]
id = "route-hefei"
kind = "routing"
when = "true"
warehouse = "Hefei"
"""


def outcome(settings: Settings, split: str):
    db = connect(settings)
    try:
        return apply_rules(db, ["O1", "O2", "O3", "O4"], rules=parse(RULES.format(split=split)), now=at(10))
    finally:
        db.close()


def test_batch_consumes_falls_through_and_proposes_a_split(data_dir):
    s = setup(data_dir, {("A", "Suzhou"): 2, ("A", "Hefei"): 2})
    for i, qty in enumerate((3, 2, 1, 1), start=1):
        order(s.lake_dir, f"O{i}", "shopee", {"SP-A": qty}, {"placed": at(9), "paid": at(9, i)})
    result = outcome(s, "true")
    routes = result.routes().set_index("order_id")["warehouse"].dropna().to_dict()
    assert routes == {"O2": "Suzhou", "O3": "Hefei", "O4": "Hefei"}
    [note] = result.exceptions.loc[result.exceptions["order_id"] == "O1", "note"]
    assert note.endswith("suggestion: split shipment Suzhou: A×2; Hefei: A×1")
    [note] = outcome(s, "false").exceptions.loc[lambda e: e["order_id"] == "O1", "note"]
    assert note.endswith("suggestion: no warehouse has every line in stock")
