"""Analytics helpers behind the Analyze pages: marts, capacity config, explore queries, the SQL sandbox.

The KPI SQL itself lives in models/sql/kpis/{flow,exceptions,manual,capacity,returns,quality}.sql and
runs through `models.kpis.run`; `run` here first makes sure the connection has the marts it reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from models import kpis
from models.analytics.marts import ensure_marts
from models.db import LakeConnection
from models.kpis import Scope


def run(db: LakeConnection, name: str, scope: Scope, as_of: datetime | None = None,
        extra: dict[str, Any] | None = None) -> pd.DataFrame:
    """`kpis.run` on a connection that has the analytics marts and macros."""
    ensure_marts(db)
    return kpis.run(db, name, scope, as_of, extra)
