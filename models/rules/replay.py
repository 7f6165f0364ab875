"""Replay before you save: evaluate the saved and an edited rule set over the last N days of orders and
report what would change: orders re-routed (warehouse or carrier), exceptions added or removed.

Both rule sets see the same orders, stock and clock, so every difference comes from the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from models.db import LakeConnection
from models.rules.apply import RuleOutcome, apply_rules
from models.rules.config import RuleSet


@dataclass
class ReplayDiff:
    orders: int
    changed: pd.DataFrame  # order_id, warehouse_before/after, carrier_before/after
    exceptions_added: pd.DataFrame  # order_id, type, rule_id
    exceptions_removed: pd.DataFrame

    def by_dimension(self, column: str) -> pd.DataFrame:
        """Orders per warehouse (or carrier) before and after, only where the count changes."""
        before = self.changed[f"{column}_before"].value_counts()
        after = self.changed[f"{column}_after"].value_counts()
        df = pd.DataFrame({"before": before, "after": after}).fillna(0).astype(int)
        df["change"] = df["after"] - df["before"]
        return df[df["change"] != 0].rename_axis(column).reset_index()

    def summary(self) -> str:
        return (f"{self.orders} orders replayed: {len(self.changed)} re-routed, "
                f"{len(self.exceptions_added)} exceptions added, {len(self.exceptions_removed)} removed")


def _routes(outcome: RuleOutcome) -> pd.DataFrame:
    routes = outcome.routes().set_index("order_id")[["warehouse", "carrier"]]
    return routes.reindex(outcome.orders)


def replay(db: LakeConnection, saved: RuleSet, edited: RuleSet, days: int, now: datetime | None = None
           ) -> ReplayDiff:
    """Both rule sets over the orders placed in the last `days` days (every status, as if unrouted)."""
    now = now or datetime.now(UTC)
    ids = [r[0] for r in db.con.execute("select order_id from orders where placed_at >= $since order by order_id",
                                        {"since": now - timedelta(days=days)}).fetchall()]
    before = apply_rules(db, ids, saved, now, scoped=False)
    after = apply_rules(db, ids, edited, now, scoped=False)
    joined = _routes(before).join(_routes(after), lsuffix="_before", rsuffix="_after")
    moved = (joined["warehouse_before"].fillna("") != joined["warehouse_after"].fillna("")) | (
        joined["carrier_before"].fillna("") != joined["carrier_after"].fillna(""))
    changed = joined[moved].rename_axis("order_id").reset_index()
    keys = ["exception_id", "order_id", "type", "rule_id"]
    old, new = before.exceptions[keys], after.exceptions[keys]
    return ReplayDiff(len(ids), changed, new[~new["exception_id"].isin(old["exception_id"])],
                      old[~old["exception_id"].isin(new["exception_id"])])
