"""One measurement in a fresh process: open the lake as the console does, run one page's query set, print JSON.

    python -m bench.queries LAKE SET SCOPE_DAYS RUNS [mart|table]

The console path: `connect(settings, materialize=True)` over a warm mart (bench/work/<lake>/marts/, built
by the parent before timing), so `connect_s` is the file listing, the no-op refresh and the views; the
queries read the mart's Parquet files in place. `table` loads the mart into a DuckDB table first (the
alternative measured).
The parent (bench.__main__) reads this process's peak RSS; the JSON carries the times.
SET is a KPI file stem of models/sql/kpis/ (each file is one page's set), `overview`, `flow_stats` or `lookup`
(the customer-service search and the found order's story, as an ops user).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from bench import peak_mib, workdir
from models import facts_mart, kpis, lookup, triage_queries
from models.analytics.explore import Query
from models.auth import User
from models.db import LakeConnection, connect
from models.kpis import Scope

OVERVIEW = ("summary", "summary:previous", "daily_orders", "daily_lead_time", "exceptions_by_type",
            "stage_durations")
UNSCOPED = {"dimensions"}
# Queries a page runs only when asked (whole-lake counts behind a toggle), measured as their own set.
ON_REQUEST = ("quality_duplicates",)
AS_OF = pd.Timestamp("2026-12-01T00:00:00Z").to_pydatetime()
# The extra parameters some pages bind, as each page first shows them (only those a query uses are bound).
PAGE_DEFAULTS = {**Query().params(), "row_limit": 500, "limit": 50, "since": AS_OF - timedelta(days=7),
                 "kind": "webhook", "ref": "bench", "finding": "unsettled"}  # 3,489 orders in a month at 10 M
STAGE_ORDER = ("placed", "paid", "reviewed", "allocated", "picked", "packed", "shipped", "in_transit",
               "delivered", "completed", "cancelled", "refunded", "returned")


def uncode(coded: str) -> str:
    """'00placed,01paid' → 'placed,paid': the peers sort steps by '<lifecycle index><step>' to break time ties
    as the mart's variant column does, then report the step names, as the mart does."""
    return ",".join(step[2:] for step in coded.split(","))


STAGE_COLUMNS = ("h_placed_paid", "h_paid_reviewed", "h_reviewed_allocated", "h_allocated_picked", "h_picked_packed",
                 "h_packed_shipped", "h_shipped_delivered", "h_delivered_completed")
# Flow statistics over every order, from the order_facts mart: the figures the peers compute from raw events.
FLOW_SQL = {
    # one scan of order_facts computing every stage's figures side by side, then one row per stage
    "flow_stages": """
        select stage, s.orders, s.q[1] as median_h, s.q[2] as p90_h
        from (unpivot (select {AGGS} from order_facts) on columns(*) into name stage value s)
        order by stage""".replace("{AGGS}", ", ".join(
            f"{{'orders': count({c}), 'q': quantile_cont({c}, [0.5, 0.9])}} as {c}" for c in STAGE_COLUMNS)),
    # epoch arithmetic: the exact difference, as the peers take it (3× faster than date_diff on timestamptz)
    "flow_delivery": """
        select channel, orders, q[1] as median_h, q[2] as p90_h
        from (select coalesce(channel, '(all)') as channel, count(h) as orders, quantile_cont(h, [0.5, 0.9]) as q
              from (select channel, (epoch(delivered_at) - epoch(placed_at)) / 3600.0 as h
                    from order_facts where delivered_at is not null)
              group by grouping sets ((), (channel)))
        order by channel""",
    # the variant is a mart column (models/sql/views.sql): first occurrences in time order, ties in lifecycle order
    "flow_variants": """
        select variant, count(*) as orders from order_facts
        group by variant order by orders desc, variant limit 10""",
}


# The customer-service lookup (models/lookup.py), as an ops user: each search, then the found order's story.
LOOKUP = ("exact_order_id", "exact_platform_id", "exact_tracking", "partial_tracking", "phone_tail", "no_match",
          "story")


def lookup_texts(db: LakeConnection) -> dict[str, str]:
    """What each lookup query types, taken from one order of the lake (the smallest id: an old order)."""
    row = db.con.execute("select order_id, platform_order_id, tracking_no from order_facts "
                         "where order_id = (select min(order_id) from order_facts)").fetchone()
    phone = db.con.execute("select receiver_phone from lake_orders where order_id = ? limit 1", [row[0]]).fetchone()
    return {"exact_order_id": row[0], "exact_platform_id": row[1], "exact_tracking": row[2],
            "partial_tracking": row[2][2:9], "phone_tail": (phone[0] or "0000")[-4:], "no_match": "ZZZ-NONE-9"}


def lookup_runner(db: LakeConnection, name: str) -> Callable[[], pd.DataFrame]:
    user, texts = User("bench", "ops"), lookup_texts(db)
    if name == "story":
        return lambda: triage_queries.order_story(db, texts["exact_order_id"], user.access)["order"]
    return lambda: lookup.search(db, texts[name], user)


def query_sets() -> dict[str, tuple[str, ...]]:
    """Each KPI file's queries as one page's set (the Flow page's is `flow`), plus the Overview set, the
    peers' flow statistics over every order (`flow_stats`) and the queries pages run only on request."""
    sets: dict[str, list[str]] = {}
    from models.db import SQL_DIR

    for path in sorted((SQL_DIR / "kpis").glob("*.sql")):
        sets[path.stem] = [n for n in kpis.named_queries()
                           if f"-- name: {n}\n" in path.read_text() + "\n" and n not in ON_REQUEST]
    return {"overview": OVERVIEW, **{k: tuple(v) for k, v in sets.items()}, "flow_stats": tuple(FLOW_SQL),
            "on_request": tuple(ON_REQUEST), "lookup": LOOKUP}


def runner(db: LakeConnection, set_name: str, name: str, scope: Scope) -> Callable[[], pd.DataFrame]:
    if set_name == "lookup":  # not scoped by dates: a customer's order may be of any day
        return lookup_runner(db, name)
    if set_name == "flow_stats":  # its names are the peers' (flow_variants is also a Flow page query)
        return lambda: db.con.execute(FLOW_SQL[name]).df()
    if name == "summary:previous":
        return lambda: kpis.run(db, "summary", scope.previous(), AS_OF)
    if name in UNSCOPED:
        return lambda: db.con.execute(kpis.named_queries()[name]).df()
    return lambda: kpis.run(db, name, scope, AS_OF, PAGE_DEFAULTS)


def scope_of(db: LakeConnection, days: int) -> Scope:
    """The last `days` local days of the lake's data."""
    last = db.con.execute("select max(placed_at) from order_facts").fetchone()[0]
    end = last.astimezone(db.settings.zone).date() - timedelta(days=1)
    return Scope(end - timedelta(days=days - 1), end)


def open_console(lake: Path, facts: str = "mart") -> LakeConnection:
    """The console's connection over the lake's bench data dir (mart refreshed; see the module doc);
    `facts="table"` loads the mart into a DuckDB table instead of reading its files (the alternative)."""
    settings = workdir.data_dir(lake, lake.parent.name)
    db = connect(settings, materialize=True)
    if facts == "table":
        db.con.execute("drop view order_facts")
        mart = facts_mart.read_sql(facts_mart.refresh(settings).facts)
        db.con.execute(f"create table order_facts as select * from {mart}")
    return db


def measure(lake: Path, set_name: str, days: int, runs: int, facts: str = "mart") -> dict[str, Any]:
    t0 = time.perf_counter()
    db = open_console(lake, facts)
    connect_s = time.perf_counter() - t0
    scope = scope_of(db, days)
    jobs = [(n, runner(db, set_name, n, scope)) for n in query_sets()[set_name]]
    timings, results, each = [], {}, {name: [] for name, _ in jobs}
    for _ in range(runs):
        t = time.perf_counter()
        for name, job in jobs:
            q = time.perf_counter()
            results[name] = job()
            each[name].append(time.perf_counter() - q)
        timings.append(time.perf_counter() - t)
    return {"connect_s": connect_s, "first_s": timings[0], "median_s": statistics.median(timings),
            "query_median_s": {name: statistics.median(ts) for name, ts in each.items()},
            "runs": runs, "scope": [scope.start.isoformat(), scope.end.isoformat()],
            "results": {k: v.to_json(orient="split", date_format="iso") for k, v in results.items()}}



def main(argv: list[str]) -> int:
    lake, set_name, days, runs = Path(argv[0]), argv[1], int(argv[2]), int(argv[3])
    result = measure(lake, set_name, days, runs, *argv[4:5])
    print(json.dumps({**result, "peak_mib": peak_mib()}))  # after the work: the peak so far
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
