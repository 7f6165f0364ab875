"""An independent pandas implementation of the headline KPIs, for cross-checking the SQL layer.

It shares nothing with models/db.py or models/sql: it reads the Parquet files with pyarrow, dedupes in
pandas, and follows the KPI definitions in docs/architecture.md literally. If the two ever disagree,
one of them misreads the definition.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow.parquet as pq

STAGE_EVENTS = ["placed", "paid", "reviewed", "allocated", "picked", "packed", "shipped", "delivered", "completed"]


def read_table(lake_dir: Path, table: str) -> pd.DataFrame:
    files = sorted((lake_dir / table).glob("month=*/*.parquet"))
    files = [f for f in files if not f.name.startswith(".")]
    if not files:
        return pd.DataFrame()
    return pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)


def latest(df: pd.DataFrame, key: list[str], order: list[str]) -> pd.DataFrame:
    return df.sort_values(order, na_position="first").drop_duplicates(key, keep="last")


def order_frame(lake_dir: Path, fx: dict[str, float], accuracy_types: tuple[str, ...]) -> pd.DataFrame:
    """One row per current order with first event times, flags and lead time, built in pandas."""
    orders = latest(read_table(lake_dir, "orders"), ["order_id"], ["updated_at", "ingested_at"])
    events = read_table(lake_dir, "order_events").drop_duplicates("event_id")
    first = events.groupby(["order_id", "event"])["occurred_at"].min().unstack()
    for ev in [*STAGE_EVENTS, "cancelled"]:
        if ev not in first:
            first[ev] = pd.NaT
    df = orders.merge(first.add_suffix("_ev"), left_on="order_id", right_index=True, how="left")
    if "promised_delivery_at" not in df:  # a lake written before orders had the column
        df["promised_delivery_at"] = pd.NaT
    df["placed"] = df["placed_at"].fillna(df["placed_ev"])
    df["paid"] = df["paid_ev"].fillna(df["paid_at"])
    actions = read_table(lake_dir, "actions")
    acted = set(actions["order_id"].dropna()) if len(actions) else set()
    exc = read_table(lake_dir, "exceptions")
    if len(exc):
        exc = latest(exc, ["exception_id"], ["updated_at", "ingested_at"])
        bad = set(exc.loc[exc["type"].isin(accuracy_types) & (exc["status"] != "dismissed"), "order_id"])
    else:
        bad = set()
    df["has_action"] = df["order_id"].isin(acted)
    df["inaccurate"] = df["order_id"].isin(bad)
    df["lead_h"] = (df["shipped_ev"] - df["paid"]).dt.total_seconds() / 3600
    df["gmv"] = [to_reporting_cents(c, cur, fx) for c, cur in zip(df["total_cents"], df["currency"], strict=True)]
    return df


def to_reporting_cents(cents: int, currency: str, fx: dict[str, float]) -> float:
    """Exact conversion with Decimal, rounded half-up; NaN when the currency has no rate."""
    if currency not in fx:
        return float("nan")
    minor = Decimal(10) ** (0 if currency in ("VND", "JPY", "KRW") else 2)
    value = Decimal(int(cents)) / minor * Decimal(str(fx[currency])) * 100
    return float(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def summary(lake_dir: Path, start: date, end: date, tz: str, as_of: datetime,
            fx: dict[str, float], accuracy_types: tuple[str, ...] = ("wrong_item", "missing_item")) -> dict:
    zone = ZoneInfo(tz)
    lo = datetime.combine(start, time(), zone).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    df = order_frame(lake_dir, fx, accuracy_types)
    df = df[(df["placed"] >= lo) & (df["placed"] < hi)]
    lead = df["lead_h"][df["lead_h"] >= 0]
    shipped = df[df["shipped_ev"].notna()]
    due = df[df["ship_by_at"].notna() & (df["shipped_ev"].notna() | ((df["ship_by_at"] < as_of)
                                                                      & df["cancelled_ev"].isna()))]
    on_time = (shipped["shipped_ev"] <= shipped["ship_by_at"]).sum()
    promised = df[df["delivered_ev"].notna() & df["promised_delivery_at"].notna()]
    return {
        "orders": len(df),
        "gmv_cents": int(df.loc[df["paid"].notna(), "gmv"].sum()),
        "lead_time_median_h": float(lead.median()) if len(lead) else None,
        "lead_time_p90_h": float(lead.quantile(0.9)) if len(lead) else None,
        "on_time_rate": on_time / len(due) if len(due) else None,
        "delivered_on_time_rate": ((promised["delivered_ev"] <= promised["promised_delivery_at"]).sum() / len(promised)
                                   if len(promised) else None),
        "fulfillment_accuracy": (~shipped["inaccurate"]).sum() / len(shipped) if len(shipped) else None,
        "manual_rate": df["has_action"].sum() / len(df) if len(df) else None,
    }
