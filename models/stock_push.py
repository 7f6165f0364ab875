"""What was pushed to each channel and when: the stock push's record, read for the Inventory page and the
push itself (which sends a listing's quantity only when it differs from the last one recorded).

    pushed_recently(db.con)          # one row per listing: its last push, newest first
    last_pushed(db.con)              # {(channel, shop_id, listing_id): (quantity, outcome)}
"""

from __future__ import annotations

import duckdb
import pandas as pd

LATEST = """
select channel, shop_id, listing_id, skus, quantity, outcome, error, pushed_at,
       count(*) filter (where outcome = 'pushed') over w as pushes
from lake_stock_pushes
window w as (partition by channel, shop_id, listing_id)
qualify row_number() over (partition by channel, shop_id, listing_id order by pushed_at desc, push_id desc) = 1
"""


def pushed_recently(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each listing's latest push (quantity, outcome, error, when, how many pushes so far), newest first."""
    return con.execute(f"{LATEST} order by pushed_at desc, channel, shop_id, listing_id").df()


def last_pushed(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], tuple[int, str]]:
    """(channel, shop, listing) → (quantity, outcome) of its latest attempt."""
    rows = con.execute(f"select channel, shop_id, listing_id, quantity, outcome from ({LATEST})").fetchall()
    return {(c, s, li): (int(q), o) for c, s, li, q, o in rows}
