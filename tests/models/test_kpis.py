"""Every KPI on the hand-made lake (tests/handmade.py); expected values are worked out by hand below."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from bench.compare import same
from models import facts_mart, kpis
from models.kpis import Scope
from tests.handmade import local

DAY = Scope(date(2026, 3, 2), date(2026, 3, 2))
AS_OF = local(2, 23)


def test_summary_by_hand(handmade_db):
    s = kpis.summary(handmade_db, DAY, AS_OF)
    assert s["orders"] == 5  # A B C D E; F is last week, G is 00:30 next local day
    # paid orders only; C is 20.00 USD at 7.1 → 142.00 CNY
    assert s["gmv_cents"] == 10000 + 25000 + 14200 + 8000
    # paid→shipped hours: A 6.0, B 8.0, C 18.0, E 2.0
    assert s["lead_time_median_h"] == pytest.approx(7.0)
    assert s["lead_time_p90_h"] == pytest.approx(8 + 0.7 * (18 - 8))  # linear interpolation at 2.7 of 0..3
    assert s["lead_time_orders"] == 4
    assert s["shipped"] == 4
    assert s["on_time_rate"] == pytest.approx(3 / 4)  # B shipped 20:30 after its 18:00 ship-by
    assert s["fulfillment_accuracy"] == pytest.approx(3 / 4)  # B has a wrong_item exception
    assert s["manual_rate"] == pytest.approx(1 / 5)  # one human action, on B
    assert s["orders_with_negative_durations"] == 1  # E packed before it was picked


def test_filters_narrow_every_figure(handmade_db):
    shopee = kpis.summary(handmade_db, Scope(DAY.start, DAY.end, channels=("shopee",)), AS_OF)
    assert shopee["orders"] == 2 and shopee["lead_time_median_h"] == pytest.approx((6 + 18) / 2)
    hefei = kpis.summary(handmade_db, Scope(DAY.start, DAY.end, warehouses=("Hefei",)), AS_OF)
    assert hefei["orders"] == 2 and hefei["manual_rate"] == pytest.approx(1 / 2)
    shop = kpis.summary(handmade_db, Scope(DAY.start, DAY.end, shops=("s2",)), AS_OF)
    assert shop["orders"] == 1 and shop["gmv_cents"] == 14200


def test_local_day_boundary():
    lo, hi = DAY.bounds("Asia/Shanghai")
    assert (lo.isoformat(), hi.isoformat()) == ("2026-03-01T16:00:00+00:00", "2026-03-02T16:00:00+00:00")


def test_next_day_holds_only_g(handmade_db):
    assert kpis.summary(handmade_db, Scope(date(2026, 3, 3), date(2026, 3, 3)), AS_OF)["orders"] == 1


def test_stage_durations_exclude_negative(handmade_db):
    df = kpis.stage_durations(handmade_db, DAY).set_index("stage")
    assert list(df.index)[:3] == ["placed→paid", "paid→reviewed", "reviewed→allocated"]
    # placed→paid minutes: A 10, B 30, C 5, E 1 → median (5 + 10) / 2 minutes
    assert df.loc["placed→paid", "median_h"] == pytest.approx(7.5 / 60)
    # picked→packed: A 1 h, B 2 h, C 1 h; E is −0.5 h: excluded and counted
    assert df.loc["picked→packed", "orders"] == 3
    assert df.loc["picked→packed", "median_h"] == pytest.approx(1.0)
    assert df.loc["picked→packed", "negative"] == 1
    # reviewed→allocated: A 40 min, B 20 min (C has no review, E neither)
    assert df.loc["reviewed→allocated", "median_h"] == pytest.approx(0.5)
    assert df.loc["delivered→completed", "orders"] == 0


def test_week_over_week_uses_the_period_before(handmade_db):
    week = Scope(date(2026, 3, 2), date(2026, 3, 8))
    assert week.previous() == Scope(date(2026, 2, 23), date(2026, 3, 1))
    before = kpis.summary(handmade_db, week.previous(), AS_OF)
    assert before["orders"] == 1 and before["lead_time_median_h"] == pytest.approx(10.0)


def test_exceptions_by_type_counts_current_state(handmade_db):
    df = kpis.run(handmade_db, "exceptions_by_type", DAY, AS_OF)
    # X1 was detected on 03-03; only X2 (payment_failed, due 22:00, still open at 23:00) is in scope
    assert len(df) == 1
    assert df.iloc[0][["type", "raised", "open", "overdue"]].tolist() == ["payment_failed", 1, 1, 1]
    later = kpis.run(handmade_db, "exceptions_by_type", Scope(date(2026, 3, 3), date(2026, 3, 3)), AS_OF)
    row = later.iloc[0]
    assert (row["type"], row["raised"], row["open"], row["resolve_median_h"]) == ("wrong_item", 1, 0, 2.0)


def test_daily_and_hourly_are_local(handmade_db):
    daily = kpis.run(handmade_db, "daily_orders", DAY)
    assert dict(zip(daily["channel"], daily["orders"], strict=True)) == {"douyin": 1, "jd": 1, "shopee": 2, "tmall": 1}
    hours = kpis.run(handmade_db, "hourly_intake", DAY)
    assert [h.hour for h in hours["hour"]] == [9, 10, 12, 18, 20]  # local placing hours of E A B C D


def test_dimensions(handmade_db):
    dims = kpis.dimensions(handmade_db)
    assert dims["channels"] == ["douyin", "jd", "shopee", "tmall"]
    assert dims["warehouses"] == ["Chengdu", "Hefei", "Suzhou"]
    assert dims["orders"] == 7


def test_cli_prints_every_kpi(handmade_lake):
    out = subprocess.run(
        [sys.executable, "-m", "models.kpis", "--json", "--from", "2026-03-02", "--to", "2026-03-02"],
        capture_output=True, text=True, check=True, env={"ORDERHUB_DATA": str(handmade_lake.data_dir),
                                                         "PATH": "/usr/bin:/bin"},
    )
    result = json.loads(out.stdout)
    assert result["summary"]["orders"] == 5
    assert result["summary"]["gmv_cents"] == 57200
    assert {"stage_durations", "exceptions_by_type", "daily_orders", "daily_lead_time",
            "hourly_intake"} <= result.keys()


def test_cli_reads_the_mart_and_agrees_with_the_live_views(handmade_lake):
    """The CLI reads the order_facts mart (built on its first run) by default; --live computes every order from
    its events instead, and writes nothing. Both give every figure alike."""
    def kpis_json(*extra: str) -> dict:
        out = subprocess.run(
            [sys.executable, "-m", "models.kpis", "--from", "2026-02-01", "--to", "2026-03-31", "--as-of",
             "2026-04-01T00:00:00", *extra], capture_output=True, text=True, check=True,
            env={"ORDERHUB_DATA": str(handmade_lake.data_dir), "PATH": "/usr/bin:/bin"})
        return json.loads(out.stdout)

    live = kpis_json("--live")
    assert not facts_mart.mart_dir(handmade_lake).exists()
    from_mart = kpis_json()
    assert facts_mart.read_manifest(facts_mart.mart_dir(handmade_lake)).rows == 7  # the handmade lake's orders
    assert from_mart["summary"]["orders"] == live["summary"]["orders"] == 7  # every order placed in the scope
    same(from_mart, live)


def test_cli_rejects_reversed_range(handmade_lake):
    out = subprocess.run([sys.executable, "-m", "models.kpis", "--from", "2026-03-05", "--to", "2026-03-01"],
                         capture_output=True, text=True, env={"ORDERHUB_DATA": str(handmade_lake.data_dir)})
    assert out.returncode == 2 and "before --from" in out.stderr


def test_event_ids_do_not_depend_on_the_zone_an_instant_is_written_in():
    from datetime import timedelta, timezone

    from models.ids import event_id

    utc = local(2, 10)
    shanghai = utc.astimezone(timezone(timedelta(hours=8)))
    assert event_id("OH-A", "paid", "platform", utc) == event_id("OH-A", "paid", "platform", shanghai)
    assert event_id("OH-A", "paid", "platform", utc) == event_id("OH-A", "paid", "platform", utc.replace(tzinfo=None))


def test_a_currency_without_a_rate_is_counted_not_dropped(handmade_lake):
    from dataclasses import replace

    from models.db import connect

    db = connect(replace(handmade_lake, fx_rates={"CNY": 1.0}))  # no USD rate: order C cannot be converted
    s = kpis.summary(db, DAY, AS_OF)
    assert s["gmv_cents"] == 10000 + 25000 + 8000 and s["gmv_unconverted_orders"] == 1


def test_rework_counts_repeats_by_one_source_only(handmade_lake):
    from models import lake
    from models.db import connect
    from models.ids import event_id

    def reviewed(source, at):
        return {"event_id": event_id("OH-A", "reviewed", source, at), "order_id": "OH-A", "event": "reviewed",
                "source": source, "occurred_at": at, "ingested_at": at}

    lake.write(handmade_lake.lake_dir, "order_events", [reviewed("platform", local(2, 10, 21))])
    rework = "select rework_count from order_facts where order_id = 'OH-A'"
    assert connect(handmade_lake).con.execute(rework).fetchone() == (0,)  # a second source, not rework
    lake.write(handmade_lake.lake_dir, "order_events", [reviewed("oms", local(2, 11, 30))])
    assert connect(handmade_lake).con.execute(rework).fetchone() == (1,)  # oms reviewed it again
