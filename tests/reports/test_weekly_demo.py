"""The snapshot on a realistic demo lake, checked against pandas computing the same figures independently."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow.parquet as pq

from models import lake
from models.db import connect
from reports import render, weekly

MONDAY = date(2026, 3, 2)


def _orders(settings) -> pd.DataFrame:
    """Current order rows, straight from the Parquet files: the latest version of each order id."""
    df = pd.concat(pq.read_table(f).to_pandas() for f in lake.data_files(settings.lake_dir, "orders"))
    df = df.sort_values(["updated_at", "ingested_at"]).drop_duplicates("order_id", keep="last")
    df["local"] = df["placed_at"].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return df


def test_orders_and_capacity_incidents_match_pandas(demo_settings):
    orders = _orders(demo_settings)
    week = orders[(orders["local"] >= "2026-03-02") & (orders["local"] < "2026-03-09")]
    hourly = orders.groupby(orders["local"].dt.floor("h")).size()
    hours = hourly[(hourly.index >= "2026-03-02") & (hourly.index < "2026-03-09")]
    # the baseline: mean of the same hour 1–4 weeks back, over the weeks that lie within the lake's history
    first_hour = orders["local"].min().floor("h")
    lagged = [hours.index - pd.Timedelta(weeks=k) for k in (1, 2, 3, 4)]
    counts = [hourly.reindex(lag, fill_value=0).to_numpy() for lag in lagged]
    known = [(lag >= first_hour).astype(int) for lag in lagged]
    weeks = sum(known)
    baseline = sum(c * k for c, k in zip(counts, known, strict=True)) / weeks.clip(min=1)
    expected = sorted(hours.index[(weeks > 0) & (baseline > 0) & (hours.to_numpy() > 2.0 * baseline)])

    snap = weekly.build(connect(demo_settings), MONDAY)
    assert snap.row["orders"].now_value == len(week) > 500
    assert sorted(pd.Timestamp(h) for h in snap.incidents["hour"]) == expected
    assert len(render.incident_rows(snap)) == min(10, len(expected))
    assert set(weekly.figures(snap)) == {"daily_orders", "lead_time", "exceptions", "capacity"}
