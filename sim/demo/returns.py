"""Returns: the lines buyers send back, with a structured reason that leans on each line's category."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from models.schema import RETURN_REASONS
from sim.demo.basket import SKUS
from sim.demo.sqlbits import ts_array, with_stable_hash


def returns_table(con, rng: np.random.Generator, t: dict[str, np.ndarray], lines: pd.DataFrame) -> pa.Table:
    """Return lines of orders whose return request is before now; reasons lean on each line's category."""
    requested = t["return_requested"]
    ret = np.flatnonzero(~np.isnan(requested))
    sel = lines[lines["order_idx"].isin(ret) & ~lines["is_gift"]].copy()
    first = sel.groupby("order_idx")["line_no"].transform("min") == sel["line_no"]
    whole = pd.Series(rng.random(len(t["placed"])) < 0.25)[sel["order_idx"]].to_numpy()
    sel = sel[first.to_numpy() | whole]

    category = SKUS["category"].to_numpy()[sel["sku_idx"].to_numpy()]
    reason = _reasons(rng, category)
    data = pa.table(
        {
            "idx": sel["order_idx"].to_numpy(),
            "line_no": sel["line_no"].to_numpy(),
            "sku": SKUS["sku"].to_numpy()[sel["sku_idx"].to_numpy()],
            "category": category,
            "reason_code": reason,
            "qty": sel["qty"].to_numpy(),
            "requested_at": ts_array(requested[sel["order_idx"].to_numpy()]),
        }
    )
    con.register("ret_src", data)
    inner = "select k.order_id, r.* from ret_src r join order_keys k using (idx)"
    out = con.sql(
        "select 'RT-' || h as return_id, line_no, order_id, sku, category, reason_code, qty, requested_at "
        "from (" + with_stable_hash(inner, "order_id, 'return'", "h") + ") order by return_id, line_no"
    ).to_arrow_table()
    con.unregister("ret_src")
    return out


_REASON_BIAS = {
    "apparel": {"size_too_small": 6, "size_too_large": 5, "colour_difference": 3},
    "fresh": {"damaged_in_transit": 6, "quality_issue": 4},
    "accessories": {"defective": 5},
    "kitchen": {"defective": 3, "damaged_in_transit": 3},
    "makeup": {"colour_difference": 4},
}


def _reasons(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    out = np.empty(category.size, dtype=object)
    for cat_name in np.unique(category):
        w = np.array([1.0 + _REASON_BIAS.get(cat_name, {}).get(r, 0) for r in RETURN_REASONS])
        m = category == cat_name
        out[m] = np.array(RETURN_REASONS, dtype=object)[rng.choice(len(w), size=int(m.sum()), p=w / w.sum())]
    return out
