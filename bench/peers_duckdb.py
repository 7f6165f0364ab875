"""The flow statistics in plain DuckDB SQL over the raw lake files: the best a user could write without the mart.

    python -m bench.peers_duckdb LAKE  → JSON {flow_s, results, peak_mib}

Shares nothing with models/ but the lifecycle's names: each order's first time of each event, its latest
order row (placing, payment, channel), then the same figures as bench/peers_pandas.py, one statement each,
on DuckDB's defaults (every core, 80 % of the memory). The events are not deduplicated: a repeated event
does not change an order's first time of it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from bench import peak_mib
from bench.queries import STAGE_ORDER
from models.lifecycle import STAGES


def files(lake_dir: Path, table: str) -> str:
    """The table's data files as a SQL list, as the lake lists them (hidden files are writes in progress)."""
    paths = sorted(p.as_posix() for p in (lake_dir / table).glob("month=*/*.parquet") if not p.name.startswith("."))
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def _wide_sql() -> str:
    firsts = ", ".join(f"min(first_at) filter (where event = '{e}') as \"{e}\"" for e in STAGE_ORDER)
    return f"select order_id, {firsts} from first_times group by order_id"


def prepare(con: duckdb.DuckDBPyConnection, lake_dir: Path) -> None:
    """Tables: first_times (order, event, first time: read once, used twice), flow_orders (an order's latest row
    joined to its first times)."""
    con.execute("create or replace temp table first_times as select order_id, event, min(occurred_at) as first_at "
                f"from read_parquet({files(lake_dir, 'order_events')}) group by order_id, event")
    con.execute(
        "create or replace temp view latest as select order_id, channel, placed_at, paid_at "
        f"from read_parquet({files(lake_dir, 'orders')}) qualify row_number() over (partition by order_id "
        "order by updated_at desc nulls last, ingested_at desc nulls last) = 1")
    con.execute(f"create or replace temp table flow_orders as select l.channel, "
                f"coalesce(l.placed_at, w.placed) as placed_t, coalesce(w.paid, l.paid_at) as paid_t, w.* "
                f"from latest l left join ({_wide_sql()}) w using (order_id)")


def _hours(a: str, b: str) -> str:
    def at(step: str) -> str:
        return {"placed": "placed_t", "paid": "paid_t"}.get(step, f'"{step}"')
    return f"(epoch({at(b)}) - epoch({at(a)})) / 3600.0"


def flow_sql() -> dict[str, str]:
    stages = " union all ".join(
        f"select 'h_{a}_{b}' as stage, count(h) as orders, quantile_cont(h, 0.5) as median_h, "
        f"quantile_cont(h, 0.9) as p90_h from (select {_hours(a, b)} as h from flow_orders)" for a, b in STAGES)
    codes = ", ".join(f"'{e}'" for e in STAGE_ORDER)
    return {
        "flow_stages": f"select * from ({stages}) order by stage",
        "flow_delivery": f"""
            select coalesce(channel, '(all)') as channel, count(h) as orders, quantile_cont(h, 0.5) as median_h,
                   quantile_cont(h, 0.9) as p90_h
            from (select channel, {_hours('placed', 'delivered')} as h from flow_orders where h is not null)
            group by grouping sets ((), (channel)) order by channel""",
        "flow_variants": f"""
            select variant, count(*) as orders
            from (select string_agg(event, ',' order by first_at, list_position([{codes}], event)) as variant
                  from first_times group by order_id)
            group by variant order by orders desc, variant limit 10""",
    }


def main(argv: list[str]) -> int:
    lake_dir = Path(argv[0])
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    t = time.perf_counter()
    prepare(con, lake_dir)
    results = {name: con.execute(sql).df().to_json(orient="split", index=False) for name, sql in flow_sql().items()}
    flow_s = time.perf_counter() - t
    print(json.dumps({"peak_mib": peak_mib(), "flow_s": flow_s, "results": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
