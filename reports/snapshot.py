"""What a weekly snapshot holds (its KPI rows, frames and incidents), apart from how it is built or drawn.

`reports.weekly` builds a `Snapshot` from the KPI layer; `reports.render` draws it as HTML, text and CSV.
Both import this module and neither imports the other's internals for the types, so there is no cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from models.formatting import format_ts
from models.kpis import Scope


@dataclass(frozen=True)
class KpiRow:
    """One line of the KPI table, raw and as shown (the shown text is what the console shows)."""

    key: str
    unit: str
    target: str
    now: str
    before: str
    change: str
    status: bool | None  # met the target, missed it, or has none
    now_value: Any
    before_value: Any


@dataclass
class Snapshot:
    week: str
    scope: Scope
    lang: str
    timezone: str
    currency: str
    console_url: str
    capacity_ratio: float
    lead_target_hours: float
    rows: list[KpiRow]
    frames: dict[str, pd.DataFrame]
    generated_at: datetime
    data_as_of: datetime | None
    incidents: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def row(self) -> dict[str, KpiRow]:
        return {r.key: r for r in self.rows}



def footer_times(snapshot: Snapshot) -> tuple[str, str]:
    return (format_ts(snapshot.generated_at, snapshot.timezone, snapshot.lang),
            format_ts(snapshot.data_as_of, snapshot.timezone, snapshot.lang))
