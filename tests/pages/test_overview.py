"""AppTest runs of the console over the hand-made lake: the frame, the sidebar and the Overview."""

from __future__ import annotations

from datetime import date

from tests.pages.helpers import open_app


def test_overview_shows_hand_checked_figures(handmade_lake):
    at = open_app()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Orders"] == "5"
    assert metrics["GMV"] == "¥572.00"
    assert metrics["Paid→shipped, median"] == "7.0 h"
    assert metrics["On-time ship rate"] == "75.0%"
    assert metrics["Manual intervention"] == "20.0%"
    assert len(at.get("plotly_chart")) == 4


def test_overview_shows_delivered_by_promise(handmade_lake):
    from tests import handmade

    assert {m.label: m.value for m in open_app().metric}["Delivered by promise"] == "–"  # no promise yet
    handmade.add_promises(handmade_lake.lake_dir)  # A on time, B late; C not delivered, E without a promise
    at = open_app()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Delivered by promise"] == "50.0%"
    at.radio(key="lang").set_value("zh").run()
    assert {m.label: m.value for m in at.metric}["承诺时效内送达率"] == "50.0%"


def test_overview_in_chinese(handmade_lake):
    at = open_app()
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert "订单数" in {m.label for m in at.metric}
    assert at.title[0].value == "总览"


def test_channel_filter_persists_and_narrows(handmade_lake):
    at = open_app()
    at.multiselect(key="channels").set_value(["shopee"]).run()
    assert {m.label: m.value for m in at.metric}["Orders"] == "2"


def test_empty_scope_says_so(handmade_lake):
    at = open_app(dates=(date(2025, 1, 1), date(2025, 1, 2)))
    assert not at.exception
    assert any("No orders match" in i.value for i in at.info)


def test_empty_lake_explains_how_to_get_data(data_dir):
    at = open_app(dates=None)
    assert not at.exception
    assert any("No data in the lake" in w.value for w in at.sidebar.warning)


def test_a_link_opens_on_its_scope(handmade_lake):
    from streamlit.testing.v1 import AppTest

    from tests.pages.helpers import APP, signed_in

    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in signed_in("viewer").items():  # the login gate
        at.session_state[key] = value
    at.query_params.update({"from": "2026-03-02", "to": "2026-03-02", "channel": ["shopee"]})
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Orders"] == "2"  # A and C
    assert at.query_params["from"] == "2026-03-02" and at.query_params["to"] == "2026-03-02"


def test_scope_url_round_trips():
    from models.kpis import Scope
    from ui.filters import scope_url

    assert scope_url(Scope(date(2026, 3, 2), date(2026, 3, 8), ("shopee", "jd"), (), ("Hefei",))) == (
        "?from=2026-03-02&to=2026-03-08&channel=shopee&channel=jd&warehouse=Hefei")


def test_a_ninth_headline_kpi_gets_a_card(handmade_lake, monkeypatch):
    from models import kpis

    real = kpis.headline_kpis
    monkeypatch.setattr(kpis, "headline_kpis", lambda s: [*real(s), kpis.Kpi("orders", "count"),
                                                          kpis.Kpi("gmv_cents", "money")])
    at = open_app()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert len(real(handmade_lake)) == 8 and len(labels) == 10  # rows of four: 4 + 4 + 2
    assert labels[8:] == ["Orders", "GMV"]


def test_cards_are_laid_out_in_rows_of_four():
    from ui.cards import rows

    assert rows(list(range(9))) == [[0, 1, 2, 3], [4, 5, 6, 7], [8]]
    assert rows([]) == [] and rows(list(range(4))) == [[0, 1, 2, 3]]
