"""Address corrections and re-routes checked like an OMS: province and city against the division list
(short or full names), nothing after the order has shipped or ended, and refusals that name a label."""

from __future__ import annotations

import pytest

from models import auth, divisions, triage
from models.versions import latest
from tests.hostile import new_version

OPS = auth.User("olga", "ops")


@pytest.mark.parametrize(("province", "city", "expected"), [
    ("浙江", "杭州", None), ("浙江省", "杭州市", None), ("北京", "朝阳区", None), ("北京市", "北京市", None),
    ("湖北", "恩施", None), ("广西", "南宁", None), ("香港", "香港特别行政区", None),
    ("Atlantis", "x", "order.bad_province"), ("浙", "杭州", "order.bad_province"),
    ("浙江", "南京", "order.bad_city"), ("浙江", "???", "order.bad_city"),
])
def test_china_divisions(handmade_lake, province, city, expected):
    found = divisions.problem(handmade_lake, None, province, city)
    assert (found[0] if found else None) == expected


def test_the_list_counts_what_the_official_table_has(handmade_lake):
    cn = divisions.table(handmade_lake, "CN")
    assert len(cn) == 34  # 31 mainland provincial units + Hong Kong, Macao, Taiwan
    assert len(cn["浙江省"]) == 11 and len(cn["江苏省"]) == 13 and len(cn["广东省"]) == 21


def test_an_operator_adds_a_country(handmade_lake):
    folder = handmade_lake.config_dir / "divisions"
    folder.mkdir(parents=True)
    (folder / "MY.csv").write_text("province_code,province,city_code,city\n,Selangor,,Shah Alam\n", encoding="utf-8")
    assert divisions.problem(handmade_lake, "my", "Selangor", "Shah Alam") is None
    assert divisions.problem(handmade_lake, "MY", "Selangor", "Ipoh")[0] == "order.bad_city"
    assert divisions.problem(handmade_lake, "TH", "Anything", "Goes") is None  # no list: not checked


def _version(settings, order_id):
    return latest(settings.lake_dir, "orders", [order_id])[order_id]["ingested_at"]


def test_edits_that_make_no_sense_for_the_state_are_refused(handmade_lake):
    s = handmade_lake
    with pytest.raises(triage.EditError) as refused:  # OH-A shipped (tests/handmade.py)
        triage.correct_address(s, OPS, "OH-A", _version(s, "OH-A"), "浙江", "杭州", "文一路 1 号")
    assert (refused.value.label, refused.value.values) == ("order.no_address_change",
                                                            {"status_key": "order_status.shipped"})
    with pytest.raises(triage.EditError) as refused:  # OH-D cancelled
        triage.reroute(s, OPS, "OH-D", _version(s, "OH-D"), carrier="SF")
    assert refused.value.label == "order.no_reroute"
    assert latest(s.lake_dir, "orders", ["OH-A"])["OH-A"]["receiver_province"] == "浙江"  # nothing written


def test_a_made_up_address_is_refused_and_a_real_one_saved(handmade_lake):
    s = handmade_lake
    new_version(s.lake_dir, "OH-A", status="packed")
    with pytest.raises(triage.EditError) as refused:
        triage.correct_address(s, OPS, "OH-A", _version(s, "OH-A"), "Atlantis", "x", "???")
    assert (refused.value.label, refused.value.values) == ("order.bad_province", {"province": "Atlantis"})
    with pytest.raises(triage.EditError) as refused:
        triage.correct_address(s, OPS, "OH-A", _version(s, "OH-A"), "", "杭州", "文一路 1 号")
    assert refused.value.values == {"field_key": "order.province"}
    triage.correct_address(s, OPS, "OH-A", _version(s, "OH-A"), "江苏", "南京", "中山路 1 号")
    row = latest(s.lake_dir, "orders", ["OH-A"])["OH-A"]
    assert (row["receiver_province"], row["receiver_city"]) == ("江苏", "南京")
