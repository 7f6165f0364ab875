"""The SQL KPI layer against an independent pandas computation over the same lake files."""

from __future__ import annotations

from datetime import date

import pytest

from bench import pandas_kpis
from models import kpis
from models.kpis import Scope
from tests.handmade import local

FIGURES = ("orders", "gmv_cents", "lead_time_median_h", "lead_time_p90_h", "on_time_rate", "delivered_on_time_rate",
           "fulfillment_accuracy", "manual_rate")


def compare(db, start: date, end: date, as_of) -> None:
    settings = db.settings
    sql = kpis.summary(db, Scope(start, end), as_of)
    pd_ = pandas_kpis.summary(settings.lake_dir, start, end, settings.timezone, as_of, settings.fx_rates,
                              settings.accuracy_exception_types)
    assert pd_["orders"] > 0
    for name in FIGURES:
        if pd_[name] is None:
            assert sql[name] is None, name
        else:
            assert sql[name] == pytest.approx(pd_[name], rel=1e-9, abs=1e-9), name


@pytest.mark.parametrize(("start", "end"), [
    (date(2026, 3, 2), date(2026, 3, 2)),
    (date(2026, 2, 20), date(2026, 3, 9)),
])
def test_handmade_lake_agrees(handmade_db, start, end):
    compare(handmade_db, start, end, local(5, 12))


def test_handmade_lake_with_promises_agrees(handmade_lake):
    from models.db import connect
    from tests import handmade

    handmade.add_promises(handmade_lake.lake_dir)
    db = connect(handmade_lake)
    try:
        compare(db, date(2026, 2, 20), date(2026, 3, 9), local(5, 12))
        assert kpis.summary(db, Scope(date(2026, 2, 20), date(2026, 3, 9)))["delivered_on_time_rate"] == 2 / 3
    finally:
        db.close()


@pytest.mark.parametrize(("start", "end"), [
    (date(2026, 3, 2), date(2026, 3, 8)),  # the last week: many orders still in flight
    (date(2026, 2, 16), date(2026, 3, 8)),  # the whole history
    (date(2026, 2, 20), date(2026, 2, 20)),  # one day
])
def test_demo_lake_agrees(demo_settings, start, end):
    from models.db import connect

    db = connect(demo_settings)
    try:
        compare(db, start, end, local(8, 18))
        assert kpis.summary(db, Scope(start, end), local(8, 18))["delivered_on_time_rate"] is not None  # compared
    finally:
        db.close()
