"""The e-mail's numbers are the console's: the Overview for the same week shows the same text, digit for digit."""

from __future__ import annotations

from datetime import date, timedelta

from models.db import connect
from models.i18n import label
from models.kpis import headline_kpis
from reports import weekly
from tests.pages.helpers import open_app

MONDAY = date(2026, 3, 2)


def test_email_figures_equal_the_overview_for_the_same_week(handmade_lake):
    at = open_app(dates=(MONDAY, MONDAY + timedelta(days=6)))
    assert not at.exception, at.exception
    console = {m.label: (m.value, m.delta) for m in at.metric}
    db = connect(handmade_lake)
    snap = weekly.build(db, MONDAY)
    shown = {label(f"kpi.{k.key}"): (snap.row[k.key].now, snap.row[k.key].change) for k in headline_kpis(handmade_lake)}
    assert len(shown) == 7
    assert {k: v[0] for k, v in shown.items()} == {k: v[0] for k, v in console.items()}
    assert {k: v[1] for k, v in shown.items() if v[1] != "–"} == {k: v[1] for k, v in console.items() if v[1]}
    assert shown["Orders"] == ("6", "+500.0%")  # and both equal the hand-worked figure
