"""Analytics KPIs on tests/analytics_fixture.py; every expected value is worked out by hand below."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from models.db import connect
from models.kpis import Scope, run
from tests.analytics_fixture import AS_OF

DAY = Scope(date(2026, 3, 2), date(2026, 3, 2))
H = 1 / 60  # an hour in minutes


def rows(df, *cols):
    return [tuple(r) for r in df[list(cols)].itertuples(index=False)]


def test_stage_breakdown_skips_missing_and_negative_steps(analytics_db):
    df = run(analytics_db, "flow_stage_breakdown", DAY).set_index(["dim", "key", "stage"])
    hefei = df.loc[("warehouse", "Hefei", "picked→packed")]
    assert hefei["orders"] == 2 and hefei["median_h"] == pytest.approx(1.75)  # P2 3 h, P3 0.5 h
    assert hefei["p90_h"] == pytest.approx(0.5 + 0.9 * 2.5)
    suzhou = df.loc[("warehouse", "Suzhou", "picked→packed")]
    assert suzhou["orders"] == 1 and suzhou["median_h"] == pytest.approx(1.0)  # P4 packed before picked: left out
    # paid→reviewed: P1 10 min, P2 10 min (first review), P4 5 min; P3 and P5 were never reviewed
    day = df.loc[("day", "2026-03-02", "paid→reviewed")]
    assert day["orders"] == 3 and day["median_h"] == pytest.approx(10 * H)
    assert df.loc[("week", "2026-03-02", "placed→paid"), "orders"] == 5
    assert df.loc[("channel", "tmall", "packed→shipped"), "median_h"] == pytest.approx((1 + 7 / 3) / 2)


def test_flow_daily_lead_time_and_on_time(analytics_db):
    row = run(analytics_db, "flow_daily", DAY, AS_OF).iloc[0]
    # paid→shipped: P1 3 h 50, P2 6 h 20, P3 4 h 10, P4 1 h 55 → median (3 h 50 + 4 h 10) / 2 = 4 h
    assert row["shipped_orders"] == 4 and row["median_h"] == pytest.approx(4.0)
    assert row["within_target_rate"] == 1.0  # all under 8 h
    assert row["on_time_rate"] == pytest.approx(3 / 4)  # P2 shipped 17:00 after its 16:00 ship-by; P5 not due


def test_process_map_collapses_sources_and_keeps_loops(analytics_db):
    df = run(analytics_db, "flow_transitions", DAY).set_index(["from_event", "to_event"])
    assert df.loc[("placed", "paid"), "orders"] == 5
    assert df.loc[("placed", "paid"), "median_h"] == pytest.approx(5 * H)  # 10, 10, 5, 5, 5 min
    assert df.loc[("reviewed", "allocated"), "orders"] == 3
    assert df.loc[("reviewed", "allocated"), "median_h"] == pytest.approx(10 * H)  # 40, 10, 10 min
    assert df.loc[("allocated", "reviewed"), "median_h"] == pytest.approx(0.5)  # P2's re-review
    assert df.loc[("packed", "picked"), "orders"] == 1  # P4 out of order
    assert df.loc[("packed", "shipped"), "transitions"] == 3  # shipped by 2 sources is one step, not two
    assert ("shipped", "shipped") not in df.index
    assert int(df["transitions"].sum()) == 6 + 7 + 5 + 6 + 2  # steps − 1 per order: P1 … P5


def test_variants_and_rework(analytics_db):
    variants = run(analytics_db, "flow_variants", DAY)
    assert len(variants) == 5 and set(variants["share"]) == {0.2}
    looping = variants[variants["loops"]]
    assert looping["variant"].tolist() == [
        "placed → paid → reviewed → allocated → reviewed → picked → packed → shipped"]
    rework = run(analytics_db, "flow_rework", DAY).iloc[0]
    assert (rework["orders"], rework["rework_orders"], rework["rework_share"]) == (5, 1, 0.2)
    assert list(rework["repeated_steps"]) == ["reviewed"]


def test_bottleneck_is_the_slowest_step_with_its_change(analytics_db):
    top = run(analytics_db, "flow_bottleneck", DAY).iloc[0]
    # Hefei picked→packed median 1.75 h now; on 03-01 (the day before) … nothing; so no change yet
    assert (top["warehouse"], top["stage"]) == ("Hefei", "picked→packed")
    assert top["median_h"] == pytest.approx(1.75) and top["prev_median_h"] != top["prev_median_h"]
    week = Scope(date(2026, 3, 2), date(2026, 3, 8))  # previous: 02-23 … 03-01 holds Q1 (picked→packed 1 h)
    top = run(analytics_db, "flow_bottleneck", week).iloc[0]
    assert top["prev_median_h"] == pytest.approx(1.0) and top["change"] == pytest.approx(0.75)


def test_capacity_alert_exceeds_not_equals(analytics_db):
    df = run(analytics_db, "capacity_hourly", DAY).set_index("hour")
    ten, eleven, nine = (df.loc[f"2026-03-02 {h}:00:00"] for h in ("10", "11", "09"))
    assert (ten["orders"], ten["baseline"], ten["ratio"]) == (3, 1.5, 2.0)  # (2 + 1 + 2 + 1) / 4
    assert not ten["is_alert"]  # exactly 200 % does not exceed 200 %
    assert (eleven["orders"], eleven["baseline"]) == (1, 0.25) and eleven["is_alert"]  # 400 %
    assert nine["baseline_weeks"] == 3  # 02-02 09:00 is before the lake's first order (02-02 10:05)
    assert not df.loc["2026-03-02 20:00:00", "is_alert"]  # P5 on a zero baseline never alerts
    assert len(df) == 24


def test_capacity_alert_ratio_is_a_setting(analytics_lake):
    db = connect(replace(analytics_lake, capacity_alert_ratio=1.99))
    try:
        df = run(db, "capacity_hourly", DAY).set_index("hour")
        assert df.loc["2026-03-02 10:00:00", "is_alert"]  # 3 > 1.99 × 1.5
    finally:
        db.close()


def test_backlog_and_orders_at_risk(analytics_db):
    backlog = run(analytics_db, "capacity_backlog", DAY, AS_OF)
    assert rows(backlog, "warehouse", "waiting_for", "orders") == [("Suzhou", "pick", 1)]
    assert backlog.iloc[0]["oldest_h"] == pytest.approx(2 + 55 / 60)  # paid 20:05, now 23:00
    risk = run(analytics_db, "capacity_at_risk", DAY, AS_OF, extra={"row_limit": 10})
    assert risk["order_id"].tolist() == ["OH-P5"] and risk.iloc[0]["hours_left"] == pytest.approx(0.5)
    assert risk["total"].tolist() == [1]


def test_exceptions_pareto_aging_resolution(analytics_db):
    pareto = run(analytics_db, "exceptions_pareto", DAY)
    assert rows(pareto, "type", "raised", "cumulative_share") == [
        ("out_of_stock", 2, 0.5), ("address_invalid", 1, 0.75), ("sync_failure", 1, 1.0)]
    aging = run(analytics_db, "exceptions_aging", DAY, AS_OF)
    # open at 23:00: X4 1.5 h, X1 exactly 2 h (→ 2-8h), X2 11 h 50
    assert rows(aging, "bucket", "open") == [("<2h", 1), ("2-8h", 1), ("8-24h", 1), ("1-3d", 0), (">3d", 0)]
    resolution = run(analytics_db, "exceptions_resolution", DAY)
    total = resolution[resolution["type"].isna()].iloc[0]  # the rollup row over all types
    assert (total["raised"], total["open"], total["resolved"], total["mttr_h"]) == (4, 3, 1, 2.0)


def test_exception_rate_per_order_placed(analytics_db):
    df = run(analytics_db, "exceptions_weekly", DAY).set_index(["channel", "type"])
    assert df.loc[("shopee", "out_of_stock"), "rate"] == pytest.approx(1 / 3)  # X4 over P1, P4, P5
    assert df.loc[("tmall", "address_invalid"), "rate"] == pytest.approx(1 / 2)


def test_manual_weekly_and_reasons(analytics_db):
    weekly = run(analytics_db, "manual_weekly", DAY)
    assert rows(weekly, "channel", "orders", "manual_orders") == [("shopee", 3, 1), ("tmall", 2, 2)]
    reasons = run(analytics_db, "manual_reasons", DAY)
    got = {(a, t, r): (n, rate) for a, t, r, n, rate in rows(reasons, "action", "type", "rule_id", "touches", "rate")}
    assert got[("reroute_warehouse", "out_of_stock", "R-STOCK-01")] == (1, 1 / 5)  # ASOF: X2 at 11:10 ≤ 11:20
    assert got[("resolve", "address_invalid", "R-ADDR-01")] == (1, 1 / 5)  # acted on X3 directly
    assert next((a, t) for a, t, _ in got if a == "note") == ("note", "none")  # X1 came later, at 21:00


def test_returns_heatmap_and_movers(analytics_db):
    heat = run(analytics_db, "returns_heatmap", DAY)
    assert rows(heat, "reason_code", "category", "units") == [("damaged_in_transit", "home", 1),
                                                             ("size_too_small", "apparel", 2)]
    movers = run(analytics_db, "returns_movers", DAY)
    assert movers["reason_code"].tolist() == ["changed_mind", "size_too_small", "damaged_in_transit"]
    assert movers["share_change"].tolist() == pytest.approx([-1.0, 2 / 3, 1 / 3])


def test_status_agreement_edge(analytics_db):
    row = run(analytics_db, "quality_agreement", DAY).iloc[0]
    # P1 180 s agrees, P2 181 s does not, P4 60 s agrees; P3 has one source only
    assert (row["orders"], row["agreeing"], row["agreement"]) == (3, 2, pytest.approx(2 / 3))
    assert row["spread_max_s"] == 181
    behind = run(analytics_db, "status_disagreements", DAY)  # the orders behind the figure: P2 alone
    assert rows(behind, "worst_step", "worst_sources", "spread_s") == [("shipped", "carrier,wms", 181)]


def test_quality_counters(analytics_db):
    issues = run(analytics_db, "quality_issues", DAY).iloc[0]
    assert issues["unknown_status_orders"] == 1 and issues["sync_failures"] == 1
    assert issues["negative_duration_orders"] == 1  # P4
    unmapped = run(analytics_db, "quality_unmapped", DAY)
    assert rows(unmapped, "channel", "raw_status", "orders") == [("tmall", "WEIRD", 1)]
    dups = run(analytics_db, "quality_duplicates", DAY).set_index("table_name")
    assert dups.loc["orders", "merged"] == 1 and dups.loc["exceptions", "merged"] == 1
    complete = run(analytics_db, "quality_completeness", DAY).set_index(["year", "channel", "field"])
    assert complete.loc[(2026, "shopee", "receiver_phone"), "completeness"] == 1.0
    assert complete.loc[(2026, "tmall", "receiver_phone"), "completeness"] == 0.0
    assert complete.loc[(2026, "shopee", "tracking_no"), "orders"] == 2  # only shipped orders: P1, P4
