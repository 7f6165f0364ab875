"""The delivery record's and alert log's queries (`models/sql/records/*.sql`): bookkeeping, not KPIs.

    records.frame(db, "recent_deliveries", limit=50)

Kept apart from the KPI layer so that `models/sql/kpis/` holds figures only, each defined once.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from models.db import SQL_DIR, LakeConnection
from models.kpis import named_queries

FOLDER = SQL_DIR / "records"


def frame(db: LakeConnection, name: str, **params: Any) -> pd.DataFrame:
    """One named record query as a DataFrame."""
    return db.con.execute(named_queries(FOLDER)[name], params).df()


def rows(db: LakeConnection, name: str, **params: Any) -> list[tuple]:
    """One named record query as plain tuples."""
    return db.con.execute(named_queries(FOLDER)[name], params).fetchall()
