"""What was pushed to each channel and when: the stock push's record, read for the Inventory page and by
the push itself (what each platform should hold now, given what was set and what sold since).

    pushed_recently(db.con)          # one row per listing: its last attempt, newest first
    push_state(db.con)               # {(channel, shop_id, listing_id): PushState}
    known_units(db.con, ["shopee"])  # {(channel, shop_id, listing_id): units on its reserved orders}
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

Key = tuple[str, str, str]  # (channel, shop_id, listing_id)

LATEST = """
select channel, shop_id, listing_id, skus, target, quantity, outcome, error, pushed_at,
       count(*) filter (where outcome = 'pushed') over w as pushes
from lake_stock_pushes
window w as (partition by channel, shop_id, listing_id)
qualify row_number() over (partition by channel, shop_id, listing_id order by pushed_at desc, push_id desc) = 1
"""

# Per listing: the last attempt's share and outcome, and the last count its platform was known to hold
# (set, or checked) with the share and the known units it was worked out from.
STATE = """
select channel, shop_id, listing_id,
    arg_max(quantity, pushed_at) filter (where outcome in ('pushed', 'checked')) as set_quantity,
    arg_max(target, pushed_at) filter (where outcome in ('pushed', 'checked')) as set_target,
    arg_max(known_units, pushed_at) filter (where outcome in ('pushed', 'checked')) as set_known,
    arg_max(target, pushed_at) as tried_target, arg_max(outcome, pushed_at) as tried_outcome
from lake_stock_pushes
group by all
"""

# Units of each listing on a channel's orders that hold stock in the hub (reserved, picked, or shipped):
# the sales the shares already account for. An order the reservation pass has not reached yet, or could
# not reserve, is not in it (nor in the pool), nor is a cancelled or expired one.
KNOWN = """
select o.channel, o.shop_id, l.sku, cast(sum(l.qty) as bigint)
from order_lines l join orders o using (order_id)
where o.channel in (select unnest($channels::varchar[]))
  and o.order_id in (select order_id from reservation_state
                     where state <> 'released' or reason not in ('cancelled', 'expired'))
group by all
"""


@dataclass(frozen=True)
class PushState:
    set_quantity: int | None  # the count the platform was last known to hold (set, or checked)
    set_target: int | None  # the share then
    set_known: int | None  # the known units then
    tried_target: int  # the share the last attempt was for
    tried_outcome: str


def pushed_recently(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each listing's latest attempt (share, quantity set, outcome, error, when, pushes so far), newest first."""
    return con.execute(f"{LATEST} order by pushed_at desc, channel, shop_id, listing_id").df()


def push_state(con: duckdb.DuckDBPyConnection) -> dict[Key, PushState]:
    def num(v: object) -> int | None:
        return None if v is None else int(v)  # type: ignore[call-overload]

    return {(c, s, li): PushState(num(q), num(t0), num(k), int(t), o)
            for c, s, li, q, t0, k, t, o in con.execute(STATE).fetchall()}


def known_units(con: duckdb.DuckDBPyConnection, channels: list[str]) -> dict[Key, int]:
    return {(c, s, li): int(n) for c, s, li, n in con.execute(KNOWN, {"channels": channels}).fetchall()}
