"""What the triage console reads: the exception queue, an order's story, the audit trail.

The SQL is in models/sql/triage/console.sql (named blocks, like the KPIs); pages call these functions.
Every read takes the signed-in user's Access (no default: a caller must say whose view it is).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from models.access import Access
from models.db import SQL_DIR, LakeConnection, connect
from models.kpis import named_queries
from models.settings import Settings

QUEUE_FILTERS = ("type", "severity", "status", "channel", "warehouse", "assignee")


def _run(db: LakeConnection, name: str, **params: Any) -> pd.DataFrame:
    return db.con.execute(named_queries(SQL_DIR / "triage")[name], params).df()


def queue(db: LakeConnection, access: Access, as_of: datetime | None = None) -> pd.DataFrame:
    """Every exception's current version in the access, with its order's channel, warehouse, age, overdue flag."""
    return _run(db, "queue", as_of=as_of or datetime.now(UTC), **access.as_dict())


def filter_queue(df: pd.DataFrame, choices: dict[str, list[str]], max_age_h: float | None = None,
                 overdue_only: bool = False, mine: str | None = None) -> pd.DataFrame:
    """The queue narrowed by the page's filters (an empty choice list means all)."""
    keep = pd.Series(True, index=df.index)
    for column, values in choices.items():
        if values:
            keep &= df[column].isin(values)
    if max_age_h is not None:
        keep &= df["age_h"] <= max_age_h
    if overdue_only:
        keep &= df["overdue"]
    if mine:
        keep &= df["assignee"] == mine
    return df[keep]


def counts_by_type(df: pd.DataFrame) -> pd.DataFrame:
    """Open, overdue and total per type: the queue's headline."""
    open_ = df["status"].isin(["open", "in_progress"])
    return (df.assign(open=open_, overdue=df["overdue"].fillna(False).astype(bool))
            .groupby("type").agg(total=("exception_id", "size"), open=("open", "sum"), overdue=("overdue", "sum"))
            .reset_index().sort_values(["open", "type"], ascending=[False, True]))


STORY = ("timeline", "lines", "raw", "rule_hits", "order_exceptions", "order_actions")


def order_story(db: LakeConnection, order_id: str, access: Access) -> dict[str, pd.DataFrame]:
    """Everything the detail page shows about one order, by section; all empty when the order is unknown or
    outside the access (the two look the same, so an id outside it reveals nothing)."""
    order = _run(db, "order", order_id=order_id, **access.as_dict())
    if order.empty:
        return {"order": order, **{name: pd.DataFrame() for name in STORY}}
    return {"order": order, **{name: _run(db, name, order_id=order_id) for name in STORY}}


def audit(db: LakeConnection, start_at: datetime, end_at: datetime, access: Access) -> pd.DataFrame:
    """The audit rows of the period; a restricted access sees only those on its orders."""
    return _run(db, "audit", start_at=start_at, end_at=end_at, **access.as_dict())


def _fresh(settings: Settings, name: str, **params: Any) -> pd.DataFrame:
    """One query on a connection opened for it: edits need the lake as it is now, not a cached console view."""
    db = connect(settings)
    try:
        return _run(db, name, **params)
    finally:
        db.close()


def order_dimensions(settings: Settings, order_id: str | None) -> tuple[str | None, str | None, str | None] | None:
    """(channel, shop, warehouse) of the order now, or None when the lake does not hold it."""
    rows = _fresh(settings, "order_dimensions", order_id=order_id).itertuples(index=False)
    return next((tuple(None if pd.isna(v) else v for v in row) for row in rows), None)


def stock_problems(settings: Settings, order_id: str, warehouse: str) -> str | None:
    """'A (need 6, have 5)' for every line the warehouse cannot cover now; None when it can."""
    short = _fresh(settings, "stock_short", order_id=order_id, warehouse=warehouse)
    if short.empty:
        return None
    return ", ".join(f"{r.sku} (need {r.qty}, have {r.available})" for r in short.itertuples())
