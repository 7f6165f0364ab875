"""Pick lists: per warehouse and wave, what to take from the shelves, purchased and gift lines apart.

    pl = pick_list(db, user, "Suzhou", paid_before=cut)   # the wave: allocated, not yet picked, paid before cut
    record_print(settings, user, pl, "pdf")              # printing is audited (an `actions` row)

A wave is the warehouse's orders whose stage (`order_lifecycle`) is *allocated* and that are not on hold
(models.packing.HOLD_TYPES), optionally cut to those paid before a time. Lines are summed per SKU. The lake
holds no bin locations yet, so lists are sorted by SKU (`sorted_by` says so, and the printed list too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from models import actions
from models.auth import User, require
from models.db import LakeConnection
from models.packing import HOLD_TYPES, run
from models.settings import Settings

COLUMNS = ["sku", "title", "qty", "orders"]


@dataclass(frozen=True)
class PickList:
    """One warehouse's wave: the orders in it and the SKU totals to pick, purchased and gifts apart."""

    warehouse: str
    paid_before: datetime | None
    order_ids: tuple[str, ...]
    purchased: pd.DataFrame
    gifts: pd.DataFrame
    sorted_by: str = "sku"  # no bin locations in the lake

    @property
    def wave(self) -> str:
        """The wave's name in the audit trail and the file name: warehouse and cut."""
        cut = self.paid_before.strftime("%Y-%m-%dT%H:%M") if self.paid_before else "all"
        return f"{self.warehouse}@{cut}"


def warehouses(db: LakeConnection, user: User) -> list[str]:
    """Warehouses with orders waiting to be picked, inside the user's access."""
    return run(db, "pick_warehouses", **user.access.as_dict())["warehouse"].tolist()


def pick_list(db: LakeConnection, user: User, warehouse: str, paid_before: datetime | None = None) -> PickList:
    """The pick list of one warehouse's wave (orders outside the user's access are left out)."""
    lines = run(db, "pick_lines", warehouse=warehouse, paid_before=paid_before, hold_types=list(HOLD_TYPES),
                **user.access.as_dict())
    return PickList(warehouse, paid_before, tuple(sorted(lines["order_id"].unique())),
                    _totals(lines[~lines["is_gift"]]), _totals(lines[lines["is_gift"]]))


def _totals(lines: pd.DataFrame) -> pd.DataFrame:
    """Quantity per SKU with the orders it goes to, sorted by SKU."""
    if lines.empty:
        return pd.DataFrame(columns=COLUMNS)
    grouped = lines.groupby(["sku", "title"], dropna=False, sort=True)
    return grouped.agg(qty=("qty", "sum"), orders=("order_id", lambda s: ", ".join(sorted(set(s))))
                       ).reset_index()[COLUMNS]


def record_print(settings: Settings, user: User | None, pl: PickList, fmt: str) -> dict:
    """Printing a pick list is an action: who printed which wave, how many orders, in which format."""
    user = require(user, "triage")
    return actions.record(settings.lake_dir, user, "print_pick_list", "pick_list", pl.wave,
                          after={"format": fmt, "orders": len(pl.order_ids), "warehouse": pl.warehouse})
