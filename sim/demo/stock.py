"""The demo's inventory history: the SKU map, stock receipts, reservations as events, and a few oversells.

Every channel lists each SKU under its own code (listing id = SKU, one unit). Receipts are the restocks
of the daily counts (feeds.inventory_table), dated two hours before the count that first shows them.
Each paid, routed order reserves its lines at its warehouse when paid; the reservation is picked, then
released when the order ships or is cancelled (events up to the history's end). On the big peak day a
few orders found their SKU's last unit already taken: no reservation, an `oversell` exception naming
the order that took it (resolved a few hours later, except the newest).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from models.exceptions import new_exception
from sim.demo import catalog as cat
from sim.demo.basket import SKUS
from sim.demo.orders import Window
from sim.demo.sqlbits import ts_array

OVERSELLS = 5

EVENTS_SQL = """
with l as (
    select k.order_id, k.channel, k.warehouse, s.sku, sum(s.qty)::integer as qty, any_value(s.idx) as idx
    from inv_lines s join order_keys k using (idx)
    where k.warehouse is not null
    group by all
), steps as (
    select l.*, t.paid, t.picked, t.shipped, t.cancelled from l join inv_times t using (idx)
    where t.paid is not null and not list_contains($oversold::varchar[], l.order_id)
), ev as (
    select *, 'reserved' as kind, null as reason, paid as occurred_at from steps
    union all select *, 'picked', null, picked from steps where picked is not null
    union all select *, 'released', case when shipped is not null then 'shipped' else 'cancelled' end,
        coalesce(shipped, cancelled) from steps where coalesce(shipped, cancelled) is not null
)
select 'RV-' || substr(md5(order_id || sku || warehouse || kind), 1, 14) as event_id, order_id, channel, sku,
    warehouse, qty, kind, reason, occurred_at, occurred_at + interval 60 second as recorded_at,
    'demo' as pass_id
from ev where occurred_at <= $as_of
order by occurred_at, event_id
"""


def sku_map_table(win: Window) -> pa.Table:
    at = datetime.fromtimestamp(win.start_utc, UTC)
    rows = [{"channel": c.code, "listing_id": s, "sku": s, "qty": 1, "updated_at": at, "updated_by": "demo",
             "note": None} for c in cat.CHANNELS for s in SKUS["sku"]]
    return pa.Table.from_pylist(rows)


def receipts_table(inventory: pa.Table) -> pa.Table:
    """A receipt for every rise of a SKU × warehouse's daily count, two hours before that count."""
    df = inventory.select(["snapshot_at", "sku", "warehouse", "on_hand"]).to_pandas()
    df = df.sort_values(["sku", "warehouse", "snapshot_at"])
    df["rise"] = df.groupby(["sku", "warehouse"])["on_hand"].diff()
    up = df[df["rise"] > 0]
    at = up["snapshot_at"] - pd.Timedelta(hours=2)
    ids = [f"MV-DEMO-{s}-{w}-{t:%Y%m%d}" for s, w, t in zip(up["sku"], up["warehouse"], at, strict=True)]
    return pa.table({"movement_id": ids, "sku": up["sku"].to_numpy(), "warehouse": up["warehouse"].to_numpy(),
                     "kind": ["receipt"] * len(up), "qty": up["rise"].astype("int32").to_numpy(),
                     "occurred_at": pa.array(at.dt.to_pydatetime(), pa.timestamp("us", tz="UTC")),
                     "source": ["demo"] * len(up), "ref": [i.replace("MV-DEMO", "PO") for i in ids]})


def _oversold(rng: np.random.Generator, con, frame: pd.DataFrame, t: dict[str, np.ndarray],
              win: Window) -> list[tuple[str, str, str, float]]:
    """(order, sku, the order that took the last unit, paid) for a few paid orders of the peak day."""
    peak = np.flatnonzero((frame["day_idx"].to_numpy() == win.major_peak) & ~np.isnan(t["paid"]))
    if len(peak) < 2:
        return []
    paid_order = peak[np.argsort(t["paid"][peak])]
    picks = np.sort(rng.choice(np.arange(1, len(paid_order)), size=min(OVERSELLS, len(paid_order) - 1),
                               replace=False))
    ids = dict(con.execute("select idx, order_id from order_keys").fetchall())
    sku = dict(con.execute("select idx, min(sku) from inv_lines group by idx").fetchall())
    return [(ids[paid_order[i]], sku.get(paid_order[i], "?"), ids[paid_order[i - 1]], t["paid"][paid_order[i]])
            for i in picks]


def _exceptions(oversold: list[tuple[str, str, str, float]]) -> pa.Table | None:
    rows = []
    for n, (oid, sku, winner, paid) in enumerate(oversold):
        at = datetime.fromtimestamp(paid, UTC) + timedelta(minutes=2)
        row = new_exception(oid, "oversell", source="inventory", rule_id="inventory", detected_at=at,
                            note=f"Oversold: {oid} could not be reserved. SKU {sku}: needs 1, 0 left; "
                                 f"last units went to {winner}")
        if n < len(oversold) - 1:  # restocked a few hours later
            done = at + timedelta(hours=3)
            row |= {"status": "resolved", "resolution_code": "restocked", "resolved_at": done, "updated_at": done}
        rows.append(row | {"ingested_at": row["updated_at"]})
    return pa.Table.from_pylist(rows) if rows else None


def stock_tables(con, rng: np.random.Generator, frame: pd.DataFrame, lines: pd.DataFrame,
                 t: dict[str, np.ndarray], win: Window, inventory: pa.Table) -> dict[str, pa.Table]:
    """sku_map, stock_movements, reservation_events and the oversell exceptions (key `oversells`)."""
    con.register("inv_lines", pa.table({"idx": lines["order_idx"].to_numpy(),
                                        "sku": SKUS["sku"].to_numpy()[lines["sku_idx"].to_numpy()],
                                        "qty": lines["qty"].to_numpy()}))
    con.register("inv_times", pa.table({"idx": np.arange(len(frame)), **{
        k: ts_array(np.where(t[k] <= win.as_of, t[k], np.nan)) for k in ("paid", "picked", "shipped", "cancelled")}}))
    try:
        oversold = _oversold(rng, con, frame, t, win)
        events = con.sql(EVENTS_SQL, params={"oversold": [o[0] for o in oversold],
                                             "as_of": datetime.fromtimestamp(win.as_of, UTC)}).to_arrow_table()
    finally:
        con.unregister("inv_lines")
        con.unregister("inv_times")
    out = {"sku_map": sku_map_table(win), "stock_movements": receipts_table(inventory), "reservation_events": events}
    over = _exceptions(oversold)
    return out | ({"oversells": over} if over is not None else {})
