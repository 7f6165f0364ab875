"""The demo history's open orders, carried on by the sandbox's warehouse and carrier.

    python -m ingest sandbox --lake data/lake      # what `make run` starts (scripts/run.sh)

The demo history (sim/demo) stops at a local midnight with about a thousand orders between payment and
hand-over and a few thousand parcels on the road. They belong to no sandbox platform, so without this
nothing would ever move them and every SLA rule would flag them for good. At start the sandbox reads the
orders the demo wrote (`lake_orders.batch_id` 'demo-…') that are still open by their lifecycle, and its
warehouse works them off from their last known step like its own orders: each remaining warehouse step
5–30 minutes after the previous one, the carrier collecting at hand-over and delivering one to three days
later. Steps that fall before the sandbox started arrive at once, as a warehouse reports work done while
OrderHub was off. An order moved by an earlier run is no longer open, so a restart resumes, never repeats.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ingest.platforms.sample import SimOrder
from models import ids
from models.demo import read_demo_marker
from models.settings import load_settings

WMS_STEPS = ("allocated", "picked", "packed", "shipped")
OPEN = ("to_review", "to_ship", "allocated", "picked", "packed", "shipped")
OPEN_DEMO_ORDERS = """
with open_orders as (
    select order_id, stage from order_lifecycle where stage in (select unnest($open::varchar[]))
      and order_id in (select order_id from lake_orders where batch_id like 'demo-%')
), steps as (  -- every stored version: max, min and any are the same over duplicates
    select order_id, max(occurred_at) as last_at, min(occurred_at) filter (event = 'shipped') as shipped_at,
        bool_or(event = 'in_transit') as in_transit_seen
    from lake_order_events where order_id in (select order_id from open_orders) group by order_id
)
select o.order_id, o.channel, o.shop_id, o.platform_order_id, o.currency, o.placed_at, o.tracking_no,
    coalesce(o.carrier, 'SF') as carrier, p.stage, coalesce(s.last_at, o.paid_at) as last_at, s.shipped_at,
    coalesce(s.in_transit_seen, false) as in_transit_seen
from orders o join open_orders p using (order_id) left join steps s using (order_id)
where o.paid_at is not null
order by o.order_id
"""


def open_demo_orders(lake_dir: Path) -> list[dict]:
    """The demo's orders that are still open; empty for a lake without the demo marker (real data)."""
    if read_demo_marker(lake_dir) is None:
        return []
    from models.db import connect

    db = connect(load_settings(lake_dir.parent))
    try:
        cur = db.con.execute(OPEN_DEMO_ORDERS, {"open": list(OPEN)})
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        db.close()


def tail_steps(rng: random.Random, row: dict) -> list[tuple[str, str, datetime]]:
    """(kind, step, event time) of what is left of one open demo order, from its last known step."""
    at = row["last_at"].astimezone(UTC)
    done = OPEN.index(row["stage"])  # to_review and to_ship: no warehouse step yet
    steps = []
    for step in WMS_STEPS[max(0, done - 1):]:
        at += timedelta(minutes=rng.uniform(5, 30))
        steps.append(("wms", step, at))
    shipped = row["shipped_at"].astimezone(UTC) if row["shipped_at"] is not None else at
    if row["stage"] != "shipped":
        steps.append(("carrier", "collected", shipped + timedelta(minutes=rng.uniform(0, 2))))
    if not row["in_transit_seen"]:
        steps.append(("carrier", "in_transit", shipped + timedelta(hours=rng.uniform(2, 6))))
    delivered = shipped + timedelta(hours=rng.uniform(24, 72))
    return [*steps, ("carrier", "out_for_delivery", delivered - timedelta(hours=rng.uniform(1, 4))),
            ("carrier", "delivered", delivered)]


def tail_order(row: dict) -> SimOrder:
    """The order as the feeds name it: platform order id, and a tracking number (a new one if unshipped)."""
    tracking = row["tracking_no"] or "DT" + ids.stable_hash("demo-tail", row["order_id"], length=10)
    return SimOrder(row["platform_order_id"], row["shop_id"], row["currency"], "0.00", row["placed_at"],
                    carrier=row["carrier"], tracking_no=tracking)


def demo_tail(lake_dir: Path | None, seed: int = 7) -> list[tuple[str, SimOrder, list[tuple[str, str, datetime]]]]:
    """(channel, order, remaining steps) of every open demo order in the lake; nothing without a lake."""
    if lake_dir is None:
        return []
    rng = random.Random(f"{seed}-demo-tail")
    return [(row["channel"], tail_order(row), tail_steps(rng, row)) for row in open_demo_orders(Path(lake_dir))]
