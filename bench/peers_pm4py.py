"""The per-stage durations, placed→delivered per channel and the top variants, computed with PM4Py.

    bench/.venv-peers/bin/python -m bench.peers_pm4py LAKE  → JSON {seconds, results}

Benchmark only: PM4Py (AGPL) lives in bench/.venv-peers (bench/requirements-peers.txt), never in the
product's requirements. The log is the first occurrence of each event per order (the stage mart's
definition: a variant is the order of first occurrences), built in pandas before the clock starts.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pm4py

from bench import peak_mib
from bench.peers_pandas import first_times, read
from bench.queries import STAGE_ORDER, uncode
from models.lifecycle import STAGES

CASE, ACT, TS = "case:concept:name", "concept:name", "time:timestamp"


def stats(durations_s: list[float]) -> tuple[int, float | None, float | None]:
    h = np.asarray(durations_s, dtype=float) / 3600
    return (len(h), float(np.median(h)), float(np.quantile(h, 0.9))) if len(h) else (0, None, None)


def between(log: pd.DataFrame, a: str, b: str) -> list[float]:
    """Case durations of the cases holding both a and b, over just those two events (PM4Py filters)."""
    two = pm4py.filter_event_attribute_values(log, ACT, [a, b], level="event", retain=True)
    both = pm4py.filter_event_attribute_values(two, ACT, [a], level="case", retain=True)
    both = pm4py.filter_event_attribute_values(both, ACT, [b], level="case", retain=True)
    return list(pm4py.get_all_case_durations(both))


def main(argv: list[str]) -> int:
    lake_dir = Path(argv[0])
    first = first_times(lake_dir)
    orders = read(lake_dir, "orders", ["order_id", "channel"]).drop_duplicates("order_id")
    code = {e: f"{i:02d}{e}" for i, e in enumerate(STAGE_ORDER)}
    log = first.assign(event=first["event"].map(code)).merge(orders, on="order_id", how="left")
    log = log.rename(columns={"order_id": CASE, "event": ACT, "occurred_at": TS, "channel": "case:channel"})
    log = pm4py.format_dataframe(log.sort_values([CASE, TS, ACT]), case_id=CASE, activity_key=ACT,
                                 timestamp_key=TS)
    t = time.perf_counter()
    stages = [{"stage": f"h_{a}_{b}", **dict(zip(("orders", "median_h", "p90_h"),
                                              stats(between(log, code[a], code[b])), strict=True))}
              for a, b in STAGES]
    delivery = [{"channel": "(all)", **dict(zip(("orders", "median_h", "p90_h"),
                                               stats(between(log, code["placed"], code["delivered"])), strict=True))}]
    for channel in sorted(log["case:channel"].dropna().unique()):
        sub = pm4py.filter_event_attribute_values(log, "case:channel", [channel], level="case", retain=True)
        delivery.append({"channel": channel, **dict(zip(("orders", "median_h", "p90_h"),
                         stats(between(sub, code["placed"], code["delivered"])), strict=True))})
    variants = pm4py.get_variants(log)
    top = sorted(((uncode(",".join(v)), n if isinstance(n, int) else len(n)) for v, n in variants.items()),
                 key=lambda x: (-x[1], x[0]))[:10]
    seconds = time.perf_counter() - t
    results = {"flow_stages": pd.DataFrame(stages).sort_values("stage"),
               "flow_delivery": pd.DataFrame(delivery).sort_values("channel"),
               "flow_variants": pd.DataFrame(top, columns=["variant", "orders"])}
    frames = {k: v.to_json(orient="split", index=False) for k, v in results.items()}
    print(json.dumps({"peak_mib": peak_mib(), "flow_s": seconds, "results": frames}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
