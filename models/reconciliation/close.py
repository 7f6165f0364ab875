"""Closing a month: its figures frozen per channel, shop and currency, signed off by an admin.

    close_month(db, lake_dir, user, "2026-03", scope, note="agreed with finance")
    differences(current_measures, frozen(db, "2026-03", scope))   # what changed since

The frozen rows go to the lake (`recon_closes`, append-only) with an audit action; closing again adds a
newer sign-off and never edits the old one. The figures come from the named query `recon_measures`, the
same one the page compares against, so a difference means the data changed, not the formula.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from models import actions, kpis, lake
from models.auth import require
from models.db import LakeConnection
from models.kpis import Scope

KEYS = ["channel", "shop_id", "currency", "measure"]


def month_scope(month: str, scope: Scope) -> Scope:
    """'2026-03' → the scope's filters over that month's local days."""
    year, mon = (int(x) for x in month.split("-"))
    return replace(scope, start=date(year, mon, 1), end=date(year, mon, calendar.monthrange(year, mon)[1]))


def measures(db: LakeConnection, month: str, scope: Scope, as_of: datetime) -> pd.DataFrame:
    return kpis.run(db, "recon_measures", month_scope(month, scope), as_of)


def close_month(db: LakeConnection, lake_dir: Path, user: Any, month: str, scope: Scope, note: str,
                now: datetime | None = None) -> list[dict[str, Any]]:
    """Freeze the month's figures under the scope; PermissionError unless the user may close months."""
    require(user, "close_month")
    if not note.strip():
        raise ValueError("a sign-off note is required to close a month")
    now = now or datetime.now(UTC)
    rows = [{**{k: getattr(r, k) for k in KEYS}, "month": month, "orders": int(r.orders),
             "amount_cents": int(r.amount_cents), "note": note.strip(), "closed_by": user.name, "closed_at": now}
            for r in measures(db, month, scope, now).itertuples()]
    lake.write(lake_dir, "recon_closes", rows)
    groups = sorted({f"{r['channel']}/{r['shop_id']}/{r['currency']}" for r in rows})
    actions.record(lake_dir, user, "close_month", "recon_month", month, after={"groups": groups},
                   reason=note.strip(), occurred_at=now)
    return rows


def frozen(db: LakeConnection, month: str, scope: Scope) -> pd.DataFrame:
    """The latest sign-off of each channel, shop and currency of the month under the scope's filters."""
    df = db.sql("select * from recon_closes where month = $month "
                "qualify closed_at = max(closed_at) over (partition by channel, shop_id, currency)",
                {"month": month}).df()
    if scope.channels:
        df = df[df["channel"].isin(scope.channels)]
    if scope.shops:
        df = df[df["shop_id"].isin(scope.shops)]
    return df.reset_index(drop=True)


def differences(current: pd.DataFrame, frozen_rows: pd.DataFrame) -> pd.DataFrame:
    """Measures whose orders or amount differ from the frozen figures (a measure new or gone counts as 0)."""
    if frozen_rows.empty:
        return pd.DataFrame(columns=[*KEYS, "frozen_orders", "orders", "frozen_cents", "amount_cents", "change_cents"])
    groups = frozen_rows[["channel", "shop_id", "currency"]].drop_duplicates()
    now = current.merge(groups, on=["channel", "shop_id", "currency"])  # only what was closed
    both = frozen_rows[[*KEYS, "orders", "amount_cents"]].merge(
        now[[*KEYS, "orders", "amount_cents"]], on=KEYS, how="outer", suffixes=("_frozen", ""))
    both = both.fillna({"orders_frozen": 0, "amount_cents_frozen": 0, "orders": 0, "amount_cents": 0})
    both = both.rename(columns={"orders_frozen": "frozen_orders", "amount_cents_frozen": "frozen_cents"})
    for col in ("frozen_orders", "orders", "frozen_cents", "amount_cents"):
        both[col] = both[col].astype("int64")
    both["change_cents"] = both["amount_cents"] - both["frozen_cents"]
    changed = (both["change_cents"] != 0) | (both["orders"] != both["frozen_orders"])
    return both[changed].sort_values(KEYS).reset_index(drop=True)
