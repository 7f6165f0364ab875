"""What the Inventory page, the alerts and scripts read: one function per question, SQL over the views.

The sales rate is the units reserved (sold, through the SKU map) per day over the last
`sales_window_days`; days of cover = available ÷ that rate (`days_of_cover`, models/sql/inventory.sql).
A SKU × warehouse is low when it has no stock left to sell or fewer days of cover than `low_stock_days`.
"""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd

from models.db import LakeConnection
from models.inventory.config import InventoryConfig

GRID_SQL = """
with sold as (
    select sku, warehouse, sum(qty) / $days::double as daily_rate
    from reservation_events
    where kind = 'reserved' and occurred_at > $now - to_days($days::bigint) and occurred_at <= $now
    group by all
)
select a.sku, a.warehouse, a.on_hand, a.reserved, a.allocated, a.safety_stock, a.available,
    coalesce(s.daily_rate, 0) as daily_rate, days_of_cover(a.available, s.daily_rate) as days_of_cover,
    a.available <= 0 or coalesce(days_of_cover(a.available, s.daily_rate) < $low_days, false) as is_low
from inventory_available a left join sold s using (sku, warehouse)
where $warehouses = [] or list_contains($warehouses::varchar[], a.warehouse)
order by is_low desc, days_of_cover nulls last, a.sku, a.warehouse
"""

RESERVATIONS_SQL = """
select r.order_id, r.channel, r.sku, r.warehouse, r.qty, r.state, r.reserved_at,
    date_diff('minute', r.reserved_at, $now::timestamptz) / 60.0 as age_hours
from reservation_state r
where r.state <> 'released'
  and ($warehouses = [] or list_contains($warehouses::varchar[], r.warehouse))
order by r.reserved_at, r.order_id, r.sku
"""

OVERSELL_SQL = """
select exception_id, order_id, status, detected_at, note
from exceptions
where type = 'oversell'
order by detected_at desc, order_id
limit $limit
"""

HISTORY_SQL = """
with days as (
    select unnest(generate_series(date_trunc('day', $since::timestamptz), date_trunc('day', $now::timestamptz),
                                  interval 1 day)) + interval 1 day as day_end
), counts as (
    select snapshot_at, sum(on_hand) as on_hand, sum(coalesce(safety_stock, 0)) as safety_stock
    from inventory where sku = $sku group by snapshot_at
), held as (
    select order_id, warehouse, qty, reserved_at, case when state = 'released' then changed_at end as released_at
    from reservation_state where sku = $sku
)
select d.day_end - interval 1 day as day,
    (select c.on_hand from counts c where c.snapshot_at < d.day_end order by c.snapshot_at desc limit 1) as on_hand,
    (select c.safety_stock from counts c where c.snapshot_at < d.day_end order by c.snapshot_at desc limit 1)
        as safety_stock,
    coalesce((select sum(h.qty) from held h where h.reserved_at < d.day_end
              and (h.released_at is null or h.released_at >= d.day_end)), 0) as reserved
from days d
order by day
"""



def grid(db: LakeConnection, cfg: InventoryConfig, now: datetime, warehouses: list[str] | None = None) -> pd.DataFrame:
    """Available-to-sell per SKU × warehouse with the daily sales rate, days of cover and the low flag."""
    return db.con.execute(GRID_SQL, {"days": cfg.sales_window_days, "now": now, "low_days": cfg.low_stock_days,
                                     "warehouses": list(warehouses or [])}).df()


def reservations(db: LakeConnection, now: datetime, warehouses: list[str] | None = None) -> pd.DataFrame:
    """Every reservation not yet released, oldest first, with its age in hours."""
    return db.con.execute(RESERVATIONS_SQL, {"now": now, "warehouses": list(warehouses or [])}).df()


def oversells(db: LakeConnection, limit: int = 200) -> pd.DataFrame:
    """Oversell incidents, newest first, with the orders each names (`orders`: the order and who took the units)."""
    df = db.con.execute(OVERSELL_SQL, {"limit": limit}).df()
    df["orders"] = [", ".join(dict.fromkeys([oid, *re.findall(r"\bOH-[0-9A-Z]+", note or "")]))
                    for oid, note in zip(df["order_id"], df["note"], strict=True)]
    return df


def history(db: LakeConnection, sku: str, since: datetime, now: datetime) -> pd.DataFrame:
    """One row per day: on hand (latest count), reserved at the day's end, available (= the view's formula)."""
    df = db.con.execute(HISTORY_SQL, {"sku": sku, "since": since, "now": now}).df()
    df["available"] = db.con.execute(
        "select available_to_sell(o, r, 0, s) from (select unnest($o::bigint[]) as o, unnest($r::bigint[]) as r, "
        "unnest($s::bigint[]) as s)", {"o": df["on_hand"].fillna(0).astype(int).tolist(),
                                        "r": df["reserved"].astype(int).tolist(),
                                        "s": df["safety_stock"].fillna(0).astype(int).tolist()}).df().iloc[:, 0]
    return df


def transfers(grid_df: pd.DataFrame, cfg: InventoryConfig) -> pd.DataFrame:
    """Move stock from a warehouse with more than `low_stock_days` of cover to a low one of the same SKU.

    A donor keeps what it needs for the period; the receiver asks for its shortfall against the period.
    """
    rows = []
    for sku, g in grid_df.groupby("sku"):
        need = (g["daily_rate"] * cfg.low_stock_days).round().astype(int).clip(lower=1)
        spare = (g["available"] - need).clip(lower=0)
        short = (need - g["available"]).clip(lower=0).where(g["is_low"], 0)
        donors = sorted(zip(g["warehouse"], spare, strict=True), key=lambda t: -t[1])
        for wh, gap in zip(g["warehouse"], short, strict=True):
            for i, (donor, left) in enumerate(donors):
                n = int(min(gap, left))
                if n > 0 and donor != wh:
                    rows.append({"sku": sku, "from_warehouse": donor, "to_warehouse": wh, "qty": n})
                    donors[i], gap = (donor, left - n), gap - n
    return pd.DataFrame(rows, columns=["sku", "from_warehouse", "to_warehouse", "qty"])
