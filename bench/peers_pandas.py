"""The flow statistics and the Overview summary in straightforward pandas, from the raw files.

    python -m bench.peers_pandas LAKE DAYS  → JSON {seconds, results}

Shares nothing with models/db.py or the SQL: events are read with pyarrow, deduped by event_id, and the
first time of each event per order pivoted in pandas (what the stage mart replaces). The summary is the
independent implementation of bench/pandas_kpis.py.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from bench import pandas_kpis, peak_mib
from bench.queries import STAGE_ORDER, uncode
from models.lifecycle import STAGES
from models.settings import Settings


def read(lake_dir: Path, table: str, columns: list[str]) -> pd.DataFrame:
    files = sorted(p for p in (lake_dir / table).glob("month=*/*.parquet") if not p.name.startswith("."))
    return pd.concat([pq.read_table(f, columns=columns).to_pandas() for f in files], ignore_index=True)


def first_times(lake_dir: Path) -> pd.DataFrame:
    events = read(lake_dir, "order_events", ["event_id", "order_id", "event", "occurred_at"])
    events = events.drop_duplicates("event_id")
    return events.groupby(["order_id", "event"], as_index=False)["occurred_at"].min()


def flow(lake_dir: Path) -> dict[str, pd.DataFrame]:
    first = first_times(lake_dir)
    wide = first.pivot(index="order_id", columns="event", values="occurred_at")
    orders = read(lake_dir, "orders", ["order_id", "channel", "placed_at", "paid_at", "updated_at", "ingested_at"])
    orders = pandas_kpis.latest(orders, ["order_id"], ["updated_at", "ingested_at"]).set_index("order_id")
    df = orders.join(wide, how="left")
    df["placed"] = df["placed_at"].fillna(df["placed"])
    df["paid"] = df["paid"].fillna(df["paid_at"])
    stages = []
    for a, b in STAGES:
        h = ((df[b] - df[a]).dt.total_seconds() / 3600).dropna()
        stages.append({"stage": f"h_{a}_{b}", "orders": len(h), "median_h": h.median(), "p90_h": h.quantile(0.9)})
    h = ((df["delivered"] - df["placed"]).dt.total_seconds() / 3600).dropna()
    by = [("(all)", h)] + [(c, g) for c, g in h.groupby(df.loc[h.index, "channel"])]
    delivery = [{"channel": c, "orders": len(g), "median_h": g.median(), "p90_h": g.quantile(0.9)} for c, g in by]
    code = {e: f"{i:02d}{e}" for i, e in enumerate(STAGE_ORDER)}
    first["e"] = first["event"].map(code)
    seq = first.sort_values(["order_id", "occurred_at", "e"]).groupby("order_id", sort=False)["e"].agg(",".join)
    seq = seq.map(uncode)
    top = seq.value_counts().rename_axis("variant").reset_index(name="orders")
    top = top.sort_values(["orders", "variant"], ascending=[False, True]).head(10)
    return {"flow_stages": pd.DataFrame(stages).sort_values("stage"),
            "flow_delivery": pd.DataFrame(delivery).sort_values("channel"), "flow_variants": top}


def main(argv: list[str]) -> int:
    lake_dir, scope = Path(argv[0]), json.loads(argv[1])
    t = time.perf_counter()
    results = {k: v.to_json(orient="split", index=False) for k, v in flow(lake_dir).items()}
    flow_s = time.perf_counter() - t
    settings = Settings(data_dir=lake_dir.parent)
    t = time.perf_counter()
    summary = pandas_kpis.summary(lake_dir, pd.Timestamp(scope[0]).date(), pd.Timestamp(scope[1]).date(),
                                  settings.timezone, pd.Timestamp("2026-12-01T00:00:00Z").to_pydatetime(),
                                  settings.fx_rates, settings.accuracy_exception_types)
    figures = {k: (None if pd.isna(v) else float(v)) for k, v in summary.items()}
    print(json.dumps({"peak_mib": peak_mib(), "flow_s": flow_s, "summary_s": time.perf_counter() - t,
                      "results": results, "summary": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
