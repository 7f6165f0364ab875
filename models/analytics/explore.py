"""Explore: any measure by up to two group-bys, narrowed by filters, and the orders behind it.

Group-bys and filters are bound as parameters of the fixed `explore` query (models/sql/kpis/explore.sql):
no SQL text is ever built from user input.

    >>> explore(db, scope, Query(by1="channel", statuses=("shipped",)))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from models import kpis
from models.db import LakeConnection
from models.i18n import CATALOGUE
from models.kpis import Scope

# measure → unit (count | money | hours | ratio): the columns of the `explore` query
MEASURES: dict[str, str] = {
    "orders": "count", "gmv_cents": "money", "lead_time_median_h": "hours", "lead_time_p90_h": "hours",
    "on_time_rate": "ratio", "delivered_on_time_rate": "ratio", "manual_rate": "ratio", "cancel_rate": "ratio",
}
DIMENSIONS: tuple[str, ...] = ("none", "day", "week", "hour", "channel", "shop", "warehouse", "carrier", "status",
                               "province")
ORDER_LIMIT = 500
# the exception types the label catalogue knows (exc.<type>), offered as Explore filters
EXCEPTION_TYPES: tuple[str, ...] = tuple(sorted(k[4:] for k in CATALOGUE if k.startswith("exc.")))


@dataclass(frozen=True)
class Query:
    """What to group by and which extra filters to apply on top of the sidebar scope."""

    by1: str = "day"
    by2: str = "none"
    statuses: tuple[str, ...] = ()
    exc_types: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default=())

    def params(self) -> dict[str, object]:
        for dim in (self.by1, self.by2):
            if dim not in DIMENSIONS:
                raise ValueError(f"cannot group by {dim!r}; choose one of {', '.join(DIMENSIONS)}")
        return {"by1": self.by1, "by2": self.by2, "statuses": list(self.statuses),
                "exc_types": list(self.exc_types), "reasons": list(self.reasons)}


def explore(db: LakeConnection, scope: Scope, query: Query, as_of: datetime | None = None) -> pd.DataFrame:
    """Every measure per (g1, g2) group of the filtered orders."""
    return kpis.run(db, "explore", scope, as_of, extra=query.params())


def orders(db: LakeConnection, scope: Scope, query: Query, limit: int = ORDER_LIMIT) -> pd.DataFrame:
    """The newest `limit` orders behind the figures."""
    return kpis.run(db, "explore_orders", scope, extra={**query.params(), "row_limit": limit})
