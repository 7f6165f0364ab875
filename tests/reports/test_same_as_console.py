"""The e-mail's numbers are the console's: the Overview for the same week shows the same text, digit for digit."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

from models.db import connect
from models.i18n import label
from models.kpis import headline_kpis
from reports import weekly
from tests import handmade
from tests.pages.helpers import open_app

MONDAY = date(2026, 3, 2)


def test_email_figures_equal_the_overview_for_the_same_week(handmade_lake):
    handmade.add_promises(handmade_lake.lake_dir)
    at = open_app(dates=(MONDAY, MONDAY + timedelta(days=6)))
    assert not at.exception, at.exception
    console = {m.label: (m.value, m.delta) for m in at.metric}
    db = connect(handmade_lake)
    snap = weekly.build(db, MONDAY)
    shown = {label(f"kpi.{k.key}"): (snap.row[k.key].now, snap.row[k.key].change) for k in headline_kpis(handmade_lake)}
    assert len(shown) == 8
    assert {k: v[0] for k, v in shown.items()} == {k: v[0] for k, v in console.items()}
    assert {k: v[1] for k, v in shown.items() if v[1] != "–"} == {k: v[1] for k, v in console.items() if v[1]}
    assert shown["Orders"] == ("6", "+500.0%")  # and both equal the hand-worked figure
    assert shown["Delivered by promise"] == ("50.0%", "-50.00 pt")  # A of A B; last week F


def test_the_email_reads_the_mart_the_console_reads(handmade_lake):
    """weekly (and alerts) open the lake as the console does: `order_facts` from the persisted mart, refreshed
    first, so the e-mail's figures come from the very rows the Overview reads."""
    from models import facts_mart
    from models.access import Access
    from reports import alerts

    folder = facts_mart.mart_dir(handmade_lake)
    assert facts_mart.read_manifest(folder) is None
    alerts.check_and_deliver(handmade_lake)
    assert facts_mart.read_manifest(folder) is not None
    shutil.rmtree(folder)
    weekly.preview_html(handmade_lake, MONDAY, "en", Access())
    manifest = facts_mart.read_manifest(folder)
    assert manifest is not None and manifest.files["orders"]  # built over the lake's order files
