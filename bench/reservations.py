"""A reservation pass on a benchmark lake: 3,000 newly paid orders reserved against the whole pool.

    python -m bench.reservations LAKE ORDERS [BATCH]
        → JSON {setup_s, prior_s, pass_s, again_s, reserved, oversold, ...}

Set-up (in bench/work/<lake>-reservations, a copy of the lake's links; not timed): every (channel, SKU) of
the lake mapped to itself, a stock count per SKU × warehouse (0–40 units, so some orders are short), and the
lake's history as reservation events (each paid order reserved at payment and released when it shipped or
was cancelled), as a running hub would have them. Then a pass over no new orders ("prior", timed apart: the
pass before the batch arrived; it moves due reservations on and, with no saved state yet, folds the whole
history, as the first pass after a compaction does). Then BATCH new paid orders (1–3 lines) are written and
one `run_pass` over them is timed (the pass ingest runs after each batch), and a second pass over the same
ids (nothing left to do).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from bench import peak_mib, synth, workdir
from models import lake
from models.db import connect
from models.inventory.reserve import run_pass
from models.settings import Settings

HISTORY_SQL = """
with l as (
    select o.order_id, o.channel, o.warehouse, l.sku, sum(l.qty)::integer as qty, o.paid_at
    from orders o join order_lines l using (order_id)
    where o.paid_at is not null and o.warehouse is not null group by all
), done as (
    select order_id, min(occurred_at) filter (where event = 'shipped') as shipped_at,
        min(occurred_at) filter (where event = 'cancelled') as cancelled_at
    from lake_order_events group by order_id
), ev as (
    select l.*, 'reserved' as kind, null as reason, l.paid_at as occurred_at from l
    union all
    select l.*, 'released', case when d.shipped_at is not null then 'shipped' else 'cancelled' end,
        coalesce(d.shipped_at, d.cancelled_at)
    from l join done d using (order_id) where coalesce(d.shipped_at, d.cancelled_at) is not null
)
select 'RV-' || substr(md5(order_id || sku || kind), 1, 14) as event_id, order_id, channel, sku, warehouse, qty,
    kind, reason, occurred_at, occurred_at as recorded_at, 'bench' as pass_id
from ev
"""


def setup(settings: Settings, rng: np.random.Generator) -> None:
    db = connect(settings)
    try:
        pairs = db.sql("select distinct o.channel, l.sku from orders o join order_lines l using (order_id) "
                       "order by all").fetchall()
        skus = sorted({s for _, s in pairs})
        start = db.sql("select min(placed_at) from orders").fetchall()[0][0] - timedelta(days=1)
        history = db.con.sql(HISTORY_SQL).to_arrow_table()
    finally:
        db.close()
    lake.write(settings.lake_dir, "sku_map", [{"channel": c, "listing_id": s, "sku": s, "qty": 1, "updated_at": start,
                                               "updated_by": "bench"} for c, s in pairs])
    counts = [(s, w) for s in skus for w in synth.WAREHOUSES]
    lake.write(settings.lake_dir, "inventory", pa.table({
        "snapshot_at": pa.array([start] * len(counts), pa.timestamp("us", tz="UTC")),
        "sku": [s for s, _ in counts], "warehouse": [w for _, w in counts],
        "on_hand": rng.integers(0, 40, len(counts)).astype(np.int32), "safety_stock": np.ones(len(counts), np.int32)}))
    lake.write(settings.lake_dir, "reservation_events", history)


def batch(settings: Settings, rng: np.random.Generator, n: int) -> list[str]:
    """`n` orders paid now, 1–3 lines each of the lake's SKUs, as a pull would write them."""
    db = connect(settings)
    try:
        now = db.sql("select max(placed_at) from orders").fetchall()[0][0] + timedelta(hours=1)
        skus = [r[0] for r in db.sql("select distinct sku from sku_map order by sku").fetchall()]
    finally:
        db.close()
    ids = [f"OH-BENCH{i:06d}" for i in range(n)]
    paid = [now + timedelta(seconds=i) for i in range(n)]
    channel = synth.CHANNELS[rng.integers(0, len(synth.CHANNELS), n)]
    lake.write(settings.lake_dir, "orders", [{
        "order_id": oid, "channel": ch, "shop_id": "bench", "platform_order_id": oid, "status": "to_ship",
        "currency": "CNY", "total_cents": 1000, "placed_at": at, "paid_at": at, "updated_at": at, "ingested_at": at,
        "warehouse": str(synth.WAREHOUSES[rng.integers(0, len(synth.WAREHOUSES))])}
        for oid, ch, at in zip(ids, channel, paid, strict=True)])
    lines = [{"order_id": oid, "line_no": k, "sku": skus[rng.integers(0, len(skus))], "qty": int(rng.integers(1, 3)),
              "placed_at": at, "updated_at": at, "ingested_at": at}
             for oid, at in zip(ids, paid, strict=True) for k in range(1, int(rng.integers(1, 4)) + 1)]
    lake.write(settings.lake_dir, "order_lines", lines)
    return ids


def run(lake_dir: Path, orders: int, n: int) -> dict:
    settings = workdir.data_dir(lake_dir, lake_dir.parent.name + "-reservations", fresh=True)
    rng = np.random.default_rng(5)
    try:
        t = time.perf_counter()
        setup(settings, rng)
        setup_s = time.perf_counter() - t
        t = time.perf_counter()
        prior = run_pass(settings, [])
        prior_s = time.perf_counter() - t
        ids = batch(settings, rng, n)
        t = time.perf_counter()
        result = run_pass(settings, ids)
        pass_s = time.perf_counter() - t
        t = time.perf_counter()
        again = run_pass(settings, ids)
        again_s = time.perf_counter() - t
        events = len(lake.data_files(settings.lake_dir, "reservation_events"))
        return {"orders": orders, "batch": n, "setup_s": setup_s, "prior_s": prior_s, "prior_moved_on": prior.moved_on,
                "pass_s": pass_s, "again_s": again_s,
                "reserved": len(result.reserved), "oversold": len(result.oversold),
                "again_reserved": len(again.reserved), "event_files": events}
    finally:
        shutil.rmtree(settings.data_dir, ignore_errors=True)


if __name__ == "__main__":
    result = run(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 3_000)
    print(json.dumps({**result, "peak_mib": peak_mib()}))
