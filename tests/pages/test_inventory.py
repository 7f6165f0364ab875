"""AppTest of the Inventory page on a hand-made race: one unit of A at Suzhou, two channels sell it.

OH-LZ1 (lazada, paid 09:01) is reserved, OH-SP1 (shopee, 09:02) oversold. Grid: A Suzhou on hand 1,
reserved 1, available 0 → low. The oversell row names both orders; a user limited to one warehouse does
not see it. The stock push section says it is not there (models/stock_push.py is another branch's).
"""

from __future__ import annotations

from models.access import Access
from models.inventory.reserve import run_pass
from models.settings import Settings
from tests.inventory.shop import at, order
from tests.inventory.test_reserve import setup
from tests.pages.analytics_helpers import frame_with
from tests.pages.helpers import open_app

PAGE = "pages/inventory.py"


def test_inventory_page_shows_ats_reservations_and_the_oversell(data_dir):
    s: Settings = setup(data_dir, {("A", "Suzhou"): 1})
    order(s.lake_dir, "OH-SP1", "shopee", {"SP-A": 1}, {"placed": at(9), "paid": at(9, 2)})
    order(s.lake_dir, "OH-LZ1", "lazada", {"LZ-A": 1}, {"placed": at(9), "paid": at(9, 1)})
    run_pass(s, ["OH-SP1", "OH-LZ1"], now=at(9, 5))
    app = open_app(page=PAGE, role="admin")
    assert not app.exception, app.exception
    row = frame_with(app, "days_of_cover").set_index(["sku", "warehouse"]).loc[("A", "Suzhou")]
    assert (row["on_hand"], row["reserved"], row["allocated"], row["available"], bool(row["is_low"])) == (
        1, 1, 0, 0, True)
    assert frame_with(app, "age_hours")[["order_id", "qty", "state"]].values.tolist() == [
        ["OH-LZ1", 1, "reserved"]]
    over = frame_with(app, "exception_id")
    assert over["order_id"].tolist() == ["OH-SP1"] and over["orders"].tolist() == ["OH-SP1, OH-LZ1"]
    assert any(c.value == "Nothing pushed recently." for c in app.caption)  # no stock push has run here
    scoped = open_app(page=PAGE, role="admin", access=Access(warehouses=("Suzhou",)))
    assert not scoped.exception, scoped.exception
    assert not [f for f in scoped.dataframe if "exception_id" in f.value.columns]
    assert any("without an access limit" in c.value for c in scoped.caption)
