"""AppTest of the customer-service lookup on tests/lookup_fixture.py: every kind of id, partial matches,
phone search only for roles that may see personal data, the access scope, and the event timeline."""

from __future__ import annotations

import pytest

from models.access import Access
from models.settings import Settings
from tests import lookup_fixture as lf
from tests.pages.helpers import open_app

PAGE = "pages/lookup.py"


@pytest.fixture
def lookup_lake(data_dir):
    settings = Settings(data_dir=data_dir)
    lf.build(settings.lake_dir)
    return settings


def _search(text, role="ops", access=None):
    at = open_app(page=PAGE, role=role, access=access)
    at.text_input(key="lookup_text").input(text).run()
    assert not at.exception, at.exception
    return at


def _shown_order(at):
    """The order the page shows (its subheader), or None when it shows none."""
    heads = [h.value for h in at.subheader]
    return heads[0].replace("\\", "") if heads and heads[0].startswith("OH") else None


def _frame(at, first_column):
    """The page's table whose first column is `first_column` (AppTest does not expose dataframe keys)."""
    return next((d.value for d in at.dataframe if d.value.columns[0] == first_column), None)


def _matches(at):
    found = _frame(at, "Order id")
    return [] if found is None else list(found["Order id"])


@pytest.mark.parametrize("text", ["OH-L1", "SP-240301-0001", "SF100200300", " sf100200300 "])
def test_any_full_id_finds_the_one_order(lookup_lake, text):
    at = _search(text)
    assert _shown_order(at) == "OH-L1"
    assert _matches(at) == []  # one order: no list to pick from


def test_part_of_an_id_lists_every_match_newest_first(lookup_lake):
    at = _search("SF1002003")  # L1's and L2's tracking numbers, not L3's
    assert _matches(at) == ["OH-L2", "OH-L1"]
    assert _shown_order(at) == "OH-L2"
    assert list(_frame(at, "Order id")["Placed"]) == ["2026-03-02 10:00", "2026-03-02 09:00"]  # local time
    at.selectbox(key="lookup_pick").set_value("OH-L1").run()
    assert _shown_order(at) == "OH-L1"
    assert _matches(_search("0001")) == ["OH-L3", "OH-L1"]  # TM-9001's tail and SP-…-0001
    assert "No order in your access matches" in _search("ZZZ999").warning[0].value


def test_phone_search_is_for_roles_that_may_see_receivers(lookup_lake):
    assert _matches(_search("138 0000 1111", role="ops")) == ["OH-L3", "OH-L1"]
    assert _matches(_search("13800001111", role="admin")) == ["OH-L3", "OH-L1"]
    viewer = _search("13800001111", role="viewer")
    assert _shown_order(viewer) is None and _matches(viewer) == []
    assert "No order in your access matches" in viewer.warning[0].value


def test_viewer_sees_the_order_with_receiver_masked(lookup_lake):
    caption = " ".join(c.value for c in _search("SF100200300", role="viewer").caption)
    assert "13800001111" not in caption and "张三丰" not in caption and "文三路100号" not in caption
    assert "13800001111" in " ".join(c.value for c in _search("SF100200300", role="ops").caption)


def test_a_scoped_user_never_finds_orders_outside_their_access(lookup_lake):
    hefei = Access(warehouses=("Hefei",))
    for text in ("OH-L1", "SF100200300", "SF1002003", "SP-240301"):
        at = _search(text, access=hefei)
        assert _shown_order(at) is None and _matches(at) == [], text
    assert _shown_order(_search("YT5550001", access=hefei)) == "OH-L3"
    assert _shown_order(_search("13800001111", access=hefei)) == "OH-L3"  # L1 shares the phone, outside


def test_timeline_shows_every_event_with_its_source_in_event_time_order(lookup_lake):
    at = _search("SF100200300")
    timeline = _frame(at, "Happened at")
    expected = sorted(lf.L1_EVENTS, key=lambda e: e[2])
    names = {"placed": "Placed", "paid": "Paid", "allocated": "Allocated", "picked": "Picked", "packed": "Packed",
             "shipped": "Shipped", "in_transit": "In transit", "out_for_delivery": "Out for delivery"}
    sources = {"platform": "Sales platform", "wms": "Warehouse", "carrier": "Carrier"}
    assert list(timeline["Event"]) == [names[e] for e, _, _ in expected]
    assert list(timeline["Reported by"]) == [sources[s] for _, s, _ in expected]
    # hours in each step, worked out from the fixture's clock times: 09:00→09:05→10:00→11:30→12:00→13:00→13:02
    # →18:00→08:00 next day
    hours = [5 / 60, 55 / 60, 1.5, 0.5, 1.0, 2 / 60, 298 / 60, 14.0]
    assert list(timeline["Hours in this step"]) == [f"{h:.2f}" for h in hours] + ["still here"]
    assert any("The parcel is out for delivery today." in i.value for i in at.info)


def test_open_exceptions_only_and_chinese_labels(lookup_lake):
    at = _search("OH-L1")
    exceptions = _frame(at, "Exception")
    assert list(exceptions["Exception"]) == ["EX-L1-open"]  # the resolved one is not listed
    assert (exceptions["Severity"].iloc[0], exceptions["Detected"].iloc[0]) == ("High", "2026-03-02 20:00")
    at.session_state["lang"] = "zh"
    at.run()
    timeline = _frame(at, "发生时间")
    assert "来源" in timeline.columns and "派送中" in set(timeline["事件"])
    assert any("包裹今日派送中。" in i.value for i in at.info)


def test_line_prices_read_as_money_in_the_lines_currency(lookup_lake):
    """The fixture's line costs 6150 fen (tests/lookup_fixture.py): ¥61.50, never the minor units 6,150."""
    lines = _frame(_search("OH-L1"), "Line")
    assert list(lines["Unit price"]) == ["¥61.50"] * len(lines) and len(lines) >= 1
