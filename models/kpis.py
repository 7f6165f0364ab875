"""The KPI layer: the named queries of `sql/kpis/*.sql`, run under one `Scope` (dates and filters).

Each formula is a macro in `sql/macros.sql`, created with the views on every connection, so `run` works on
any connection. Pages (through `ui.analytics.frame`), the weekly e-mail, the CLI, the bench and the tests
call `run`; none of them writes KPI SQL.

    python -m models.kpis --json --from 2026-11-09 --to 2026-11-15 --channel shopee
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from models.db import SQL_DIR, LakeConnection
from models.lifecycle import STAGES, stage_name


@dataclass(frozen=True)
class Scope:
    """Orders placed on local dates [start, end] (inclusive), narrowed by channel, shop and warehouse."""

    start: date
    end: date
    channels: tuple[str, ...] = ()
    shops: tuple[str, ...] = ()
    warehouses: tuple[str, ...] = ()

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """UTC instants of local midnight at `start` and the midnight after `end`."""
        zone = ZoneInfo(tz)
        lo = datetime.combine(self.start, time(), zone).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(UTC)
        return lo, hi

    def previous(self) -> Scope:
        """The period of equal length just before this one (week over week for a week)."""
        days = (self.end - self.start).days + 1
        return replace(self, start=self.start - timedelta(days=days), end=self.end - timedelta(days=days))


@dataclass(frozen=True)
class Kpi:
    """A headline KPI: which summary column, how to show it, and which way is good."""

    key: str
    unit: str  # count | money | hours | ratio
    target: float | None = None
    higher_is_better: bool = True

    def meets(self, value: float | None) -> bool | None:
        if value is None or self.target is None or pd.isna(value):
            return None
        return value >= self.target if self.higher_is_better else value <= self.target


def headline_kpis(settings: Any) -> list[Kpi]:
    return [
        Kpi("orders", "count"),
        Kpi("gmv_cents", "money"),
        Kpi("lead_time_median_h", "hours", settings.lead_time_target_hours, higher_is_better=False),
        Kpi("lead_time_p90_h", "hours", higher_is_better=False),
        Kpi("on_time_rate", "ratio", settings.on_time_target),
        Kpi("delivered_on_time_rate", "ratio", settings.delivered_on_time_target),
        Kpi("fulfillment_accuracy", "ratio", settings.accuracy_target),
        Kpi("manual_rate", "ratio", settings.manual_rate_target, higher_is_better=False),
    ]


# Whole-lake counts a page shows on request, whose hash tables grow with the lake: each runs on a DuckDB of its
# own capped at this much memory (beyond it DuckDB spills to disk), so the figure's memory does not follow the lake.
CAPPED = {"quality_duplicates": "1GB"}


@cache
def named_queries(folder: Path = SQL_DIR / "kpis") -> dict[str, str]:
    """`-- name: x` blocks of every SQL file in `sql/kpis/` (one file per area), by name; names are unique."""
    queries: dict[str, str] = {}
    for path in sorted(folder.glob("*.sql")):
        parts = re.split(r"^-- name: (\w+)\s*$", path.read_text(encoding="utf-8"), flags=re.M)
        for name, body in zip(parts[1::2], parts[2::2], strict=True):
            if name in queries:
                raise ValueError(f"{path}: KPI query {name!r} is defined twice")
            queries[name] = body.strip().rstrip(";")
    return queries


def run(db: LakeConnection, name: str, scope: Scope, as_of: datetime | None = None,
        extra: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run one named KPI query under a scope; only the parameters the query uses are bound.

    `extra` adds query-specific parameters (the Explore page's group-bys and filters)."""
    sql = named_queries()[name]
    lo, hi = scope.bounds(db.settings.timezone)
    params = {
        "start_at": lo, "end_at": hi, "channels": list(scope.channels), "shops": list(scope.shops),
        "warehouses": list(scope.warehouses), "tz": db.settings.timezone,
        "as_of": as_of or datetime.now(UTC),
        "lead_target_h": db.settings.lead_time_target_hours, "alert_ratio": db.settings.capacity_alert_ratio,
        **(extra or {}),
    }
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    if name in CAPPED and hasattr(db, "capped"):  # DuckDB (a SparkLake manages its own memory)
        with db.capped(CAPPED[name]) as own:
            return own.query(sql, used)
    return db.query(sql, used)


def summary(db: LakeConnection, scope: Scope, as_of: datetime | None = None) -> dict[str, Any]:
    row = run(db, "summary", scope, as_of).to_dict("records")[0]
    return {k: _plain(v) for k, v in row.items()}


def stage_durations(db: LakeConnection, scope: Scope) -> pd.DataFrame:
    """One row per consecutive lifecycle step, in lifecycle order."""
    names = {f"h_{a}_{b}": stage_name(a, b) for a, b in STAGES}
    df = run(db, "stage_durations", scope).set_index("stage").reindex(list(names))
    df[["orders", "negative"]] = df[["orders", "negative"]].fillna(0).astype("int64")
    return df.rename(index=names).rename_axis("stage").reset_index()


def dimensions(db: LakeConnection) -> dict[str, Any]:
    """What the lake holds: channels, shops, warehouses, first/last placed time, data-as-of, order count."""
    row = db.query(named_queries()["dimensions"]).to_dict("records")[0]
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in ("channels", "shops", "warehouses"):
            out[key] = list(value) if value is not None else []
        elif isinstance(value, pd.Timestamp):
            out[key] = value.to_pydatetime()
        else:
            out[key] = None if value is None or pd.isna(value) else value
    return out


def everything(db: LakeConnection, scope: Scope, as_of: datetime | None = None) -> dict[str, Any]:
    """Every KPI for a scope, as plain JSON-ready values (the CLI's output)."""
    def records(df: pd.DataFrame) -> list[dict[str, Any]]:
        return [{k: _plain(v) for k, v in row.items()} for row in df.to_dict("records")]

    return {
        "scope": {"from": scope.start.isoformat(), "to": scope.end.isoformat(), "channels": list(scope.channels),
                  "shops": list(scope.shops), "warehouses": list(scope.warehouses), "timezone": db.settings.timezone},
        "summary": summary(db, scope, as_of),
        "stage_durations": records(stage_durations(db, scope)),
        "exceptions_by_type": records(run(db, "exceptions_by_type", scope, as_of)),
        "daily_orders": records(run(db, "daily_orders", scope)),
        "daily_lead_time": records(run(db, "daily_lead_time", scope)),
        "hourly_intake": records(run(db, "hourly_intake", scope)),
    }


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def _open(settings: Any, engine: str, master: str, live: bool = False) -> Any:
    """The lake on the chosen engine: both offer `query`, `settings`, `problems` and `close`.

    On DuckDB the KPIs read the order_facts mart, refreshed first for the files added since, as the console
    and the e-mail do: over live views every KPI recomputes every order from its events (37 s a scope at
    1 M orders). `live` reads the views, which need no mart folder."""
    if engine == "spark":
        from models.spark_engine import SparkLake, session

        return SparkLake.open(session(master), settings)
    from models.db import connect

    return connect(settings, materialize=not live)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    from models.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m models.kpis", description="Print every KPI for a scope.")
    parser.add_argument("--json", action="store_true", help="print JSON (the only format; kept for clarity)")
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="first local date (default: 7 days ago)")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last local date (default: yesterday)")
    for name in ("channel", "shop", "warehouse"):
        parser.add_argument(f"--{name}", action="append", default=[], help=f"limit to this {name} (repeatable)")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                        help="where the KPIs run: DuckDB in this process, or Spark (docs/scale.md)")
    parser.add_argument("--master", default="local[2]", help="Spark master URL with --engine spark")
    parser.add_argument("--live", action="store_true",
                        help="DuckDB: compute from the lake's live views instead of the order_facts mart (slower; "
                             "writes nothing to the data folder)")
    parser.add_argument("--as-of", type=datetime.fromisoformat,
                        help="instant treated as now for overdue figures (ISO, default: now; naive = UTC)")
    args = parser.parse_args(argv)
    settings = load_settings()
    today = datetime.now(settings.zone).date()
    scope = Scope(args.start or today - timedelta(days=7), args.end or today - timedelta(days=1),
                  tuple(args.channel), tuple(args.shop), tuple(args.warehouse))
    if scope.end < scope.start:
        parser.error(f"--to {scope.end} is before --from {scope.start}")
    db = _open(settings, args.engine, args.master, args.live)
    try:
        as_of = args.as_of and (args.as_of if args.as_of.tzinfo else args.as_of.replace(tzinfo=UTC))
        result = everything(db, scope, as_of)
        result["data_quality"] = {"unreadable_files": db.problems}
    finally:
        db.close()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
