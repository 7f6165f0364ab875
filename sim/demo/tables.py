"""Orders, order lines and order events as Arrow tables of the lake schemas, built in DuckDB from numpy.

Strings (ids, platform numbers, fake names and addresses) are assembled by DuckDB in one pass per table;
order and event ids are exactly models.ids.order_id / event_id of the same inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from models.lifecycle import EVENTS, STATUS_AFTER_EVENT
from sim.demo import catalog as cat
from sim.demo.basket import SKUS
from sim.demo.orders import Window
from sim.demo.sqlbits import iso_sql, ts_array, with_stable_hash

PROMISE_AFTER_SHIP_BY_S = 3 * 24 * 3600

PULL_S = 600  # channels are pulled every 10 minutes; a change lands in the next pull
SOURCES = ("platform", "oms", "wms", "carrier", "console")
_EVENT_SOURCE = {
    "placed": "platform",
    "paid": "platform",
    "reviewed": "oms",
    "allocated": "oms",
    "picked": "wms",
    "packed": "wms",
    "shipped": "wms",
    "in_transit": "carrier",
    "delivered": "carrier",
    "completed": "platform",
    "cancelled": "platform",
    "refunded": "platform",
    "returned": "wms",
}


def current_status(t: dict[str, np.ndarray], orders: pd.DataFrame) -> None:
    """Status = the last event reached (by time); updated_at = its time; raw status in the channel's words."""
    times = np.column_stack([np.nan_to_num(t[e], nan=-np.inf) for e in EVENTS])
    last = times.argmax(axis=1)
    orders["updated"] = times.max(axis=1)
    status = np.array([STATUS_AFTER_EVENT[e] for e in EVENTS], dtype=object)[last]
    key = np.where((status == "refunded") & ~np.isnan(t["cancelled"]), "cancel_refund", status)
    raw = np.empty(len(orders), dtype=object)
    channel = orders["channel_idx"].to_numpy()
    for i, ch in enumerate(cat.CHANNELS):
        m = channel == i
        raw[m] = pd.Series(key[m]).map(ch.vocab).to_numpy()
    orders["status"], orders["raw_status"] = status, raw


def pull_time(seconds: pd.Series | np.ndarray, as_of: float) -> np.ndarray:
    """When a change made at `seconds` was ingested: next 10-minute pull + 1 min, not after now."""
    return np.minimum(np.ceil(np.asarray(seconds) / PULL_S) * PULL_S + 60, as_of)


def order_base(orders: pd.DataFrame, t: dict[str, np.ndarray], win: Window) -> pa.Table:
    """The per-order columns DuckDB needs, with times as Arrow timestamps."""
    allocated = ~np.isnan(t["allocated"])
    cols = {
        "idx": np.arange(len(orders)),
        "channel": orders["channel"],
        "shop_id": orders["shop_id"],
        "seq": orders["seq"],
        "country": orders["country"],
        "province": orders["province"],
        "city": orders["city"],
        "campus": orders["campus"],
        "buyer_no": orders["buyer_no"],
        "buyer_note": orders["buyer_note"],
        "status": orders["status"],
        "raw_status": orders["raw_status"],
        "currency": orders["currency"],
        "total_cents": orders["total_cents"],
        "shipping_cents": orders["shipping_cents"],
        "discount_cents": orders["discount_cents"],
        "is_urgent": orders["is_urgent"],
        "is_vip": orders["is_vip"],
        "is_presale": orders["is_presale"],
        "is_cold_chain": orders["is_cold_chain"],
        "has_gift": orders["has_gift"],
        "warehouse": np.where(
            allocated, np.array(cat.WAREHOUSES, dtype=object)[orders["warehouse_idx"]], None
        ),
        "carrier": np.where(allocated, np.array(cat.CARRIERS, dtype=object)[orders["carrier_idx"]], None),
        "tracking_prefix": np.where(
            ~np.isnan(t["shipped"]),
            np.array([cat.TRACKING_PREFIX[c] for c in cat.CARRIERS], dtype=object)[orders["carrier_idx"]],
            None,
        ),
        "phone_missing": orders["phone_missing"],
    }
    table = pa.table(
        {
            k: pa.array(np.asarray(v)) if not isinstance(v, pd.Series) else pa.array(v.to_numpy())
            for k, v in cols.items()
        }
    )
    times = {
        "placed_at": t["placed"],
        "paid_at": t["paid"],
        "ship_by_at": np.where(np.isnan(t["paid"]), np.nan, t["ship_by"]),
        # the platforms' delivery promise: three days after the ship-by time (the offline till promises none);
        # computed, not drawn, so the random stream and every other figure stay as they were
        "promised_delivery_at": np.where(np.isnan(t["paid"]) | (orders["channel"] == "offline").to_numpy(),
                                         np.nan, t["ship_by"] + PROMISE_AFTER_SHIP_BY_S),
        "updated_at": orders["updated"].to_numpy(),
        "ingested_at": pull_time(orders["updated"], win.as_of),
    }
    for name, values in times.items():
        table = table.append_column(name, ts_array(values))
    return table


_PLATFORM_ID = """case channel
    when 'tmall' then '3' || lpad((seq * 7919 % 1000000000000000)::varchar, 18, '0')
    when 'jd' then '30' || lpad((seq * 104729 % 10000000000)::varchar, 10, '0')
    when 'douyin' then '69' || lpad((seq * 15485863 % 100000000000000000)::varchar, 17, '0')
    when 'shopee' then strftime(placed_at, '%y%m%d') || upper(lpad(printf('%x',
        seq * 2654435761 % 4294967296), 8, '0'))
    when 'lazada' then '8' || lpad((seq * 9973 % 100000000000000)::varchar, 14, '0')
    when 'tiktok' then '577' || lpad((seq * 6700417 % 1000000000000000)::varchar, 15, '0')
    when 'shopify' then '#' || (1000 + seq - 10000000)::varchar
    else 'DST-' || strftime(placed_at, '%Y') || '-' || lpad((seq - 10000000)::varchar, 7, '0') end"""


def orders_table(con, base: pa.Table) -> pa.Table:
    """The orders table: one version per order, the state as of the demo's now."""
    con.register("base", base)
    con.execute(
        f"create or replace temp table base_ids as select *, {_PLATFORM_ID} as platform_order_id from base"
    )
    hashed = with_stable_hash(
        "select * from base_ids", "lower(channel), shop_id, platform_order_id", "oid_hash"
    )
    con.execute(
        f"create or replace temp table order_keys as select *, 'OH-' || oid_hash as order_id from ({hashed})"
    )
    con.unregister("base")
    return con.sql("""
        select order_id, channel, shop_id, platform_order_id, status, raw_status, currency, total_cents,
            shipping_cents, discount_cents, channel || '-b' || lpad(buyer_no::varchar, 6, '0') as buyer_id,
            nullif(buyer_note, '') as buyer_note,
            case when country = 'CN' then '演示买家' || lpad(buyer_no::varchar, 6, '0')
                 else 'Demo Buyer ' || lpad(buyer_no::varchar, 6, '0') end as receiver_name,
            case when phone_missing then null
                 when country = 'CN' then '13' || (buyer_no % 10)::varchar || '****'
                      || lpad((buyer_no % 10000)::varchar, 4, '0')
                 when country = 'US' then '+1 555-01' || lpad((buyer_no % 100)::varchar, 2, '0')
                 else case country when 'SG' then '+65' when 'MY' then '+60' else '+66' end
                      || ' ****' || lpad((buyer_no % 10000)::varchar, 4, '0') end as receiver_phone,
            country as receiver_country, province as receiver_province, city as receiver_city,
            case when country = 'CN' then city || case when campus then '大学城' else '' end || '演示路'
                      || (buyer_no % 300 + 1)::varchar || '号' || (buyer_no % 12 + 1)::varchar || '栋'
                      || (buyer_no % 30 + 101)::varchar || '室'
                 else (buyer_no % 200 + 1)::varchar || ' Demo Street, ' || city end as receiver_address,
            is_urgent, is_vip, is_presale, is_cold_chain, has_gift, warehouse, carrier,
            tracking_prefix || lpad((seq * 2147483647 % 10000000000)::varchar, 10, '0') as tracking_no,
            placed_at, paid_at, ship_by_at, updated_at, ingested_at,
            'demo-' || channel || '-' || strftime(ingested_at - interval 60 second, '%Y%m%dT%H%M') as batch_id,
            promised_delivery_at
        from order_keys order by order_id
    """).to_arrow_table()


def lines_table(con, lines: pd.DataFrame) -> pa.Table:
    """Order lines; a line's versions share the order's placed/updated/ingested times."""
    sku = SKUS.iloc[lines["sku_idx"].to_numpy()]
    data = pa.table(
        {
            "idx": lines["order_idx"].to_numpy(),
            "line_no": lines["line_no"].to_numpy(),
            "sku": sku["sku"].to_numpy(),
            "title": sku["title"].to_numpy(),
            "category": sku["category"].to_numpy(),
            "qty": lines["qty"].to_numpy(),
            "unit_price_cents": lines["unit_price_cents"].to_numpy(),
            "is_gift": lines["is_gift"].to_numpy(),
        }
    )
    con.register("line_src", data)
    out = con.sql("""
        select k.order_id, l.line_no, l.sku, l.title, l.category, l.qty, l.unit_price_cents, k.currency,
            l.is_gift, k.placed_at, k.placed_at as updated_at,
                k.placed_at + interval 60 second as ingested_at,
            'demo-' || k.channel || '-' || strftime(k.placed_at, '%Y%m%dT%H%M') as batch_id
        from line_src l join order_keys k using (idx) order by k.order_id, l.line_no
    """).to_arrow_table()
    con.unregister("line_src")
    return out


def event_rows(
    rng: np.random.Generator, orders: pd.DataFrame, t: dict[str, np.ndarray], win: Window
) -> pa.Table:
    """Long form (order idx, event, source, time): one row per reported event, shipped by 2–3 sources."""
    idx, ev, src, at = [], [], [], []
    manual = orders["manual_review"].to_numpy()
    offline = (orders["channel"] == "offline").to_numpy()
    for e_no, e in enumerate(EVENTS):
        m = ~np.isnan(t[e])
        source = np.full(m.sum(), SOURCES.index(_EVENT_SOURCE[e]))
        if e in ("placed", "paid"):
            source[offline[m]] = SOURCES.index("oms")
        if e == "reviewed":
            source[manual[m]] = SOURCES.index("console")
        idx.append(np.flatnonzero(m))
        ev.append(np.full(m.sum(), e_no))
        src.append(source)
        at.append(t[e][m])
    shipped = np.flatnonzero(~np.isnan(t["shipped"]))
    n = shipped.size
    base = t["shipped"][shipped]
    late = rng.random(n) < 0.03
    carrier_at = base + np.where(late, rng.uniform(20 * 60, 240 * 60, n), np.abs(rng.normal(0, 60, n)))
    reports = rng.random(n) < 0.75
    platform_at = base + np.where(rng.random(n) < 0.01, rng.uniform(600, 5400, n), rng.uniform(0, 180, n))
    on_platform = ~offline[shipped]
    for mask, times, source in ((reports, carrier_at, "carrier"), (on_platform, platform_at, "platform")):
        idx.append(shipped[mask])
        ev.append(np.full(mask.sum(), EVENTS.index("shipped")))
        src.append(np.full(mask.sum(), SOURCES.index(source)))
        at.append(np.round(times[mask]))
    all_at = np.concatenate(at)
    keep = all_at <= win.as_of
    return pa.table(
        {
            "idx": np.concatenate(idx)[keep],
            "ev": np.concatenate(ev)[keep].astype(np.int16),
            "src": np.concatenate(src)[keep].astype(np.int16),
            "at": ts_array(all_at[keep]),
            "ingested_at": ts_array(pull_time(all_at[keep], win.as_of)),
        }
    )


def events_table(con, rows: pa.Table) -> pa.Table:
    """order_events with ids equal to models.ids.event_id(order_id, event, source, occurred_at)."""
    con.register("event_src", rows)
    con.register(
        "event_names", pa.table({"ev": pa.array(range(len(EVENTS)), pa.int16()), "event": list(EVENTS)})
    )
    con.register(
        "source_names", pa.table({"src": pa.array(range(len(SOURCES)), pa.int16()), "source": list(SOURCES)})
    )
    inner = """
        select k.order_id, n.event, s.source, r.at as occurred_at, r.ingested_at, k.channel, k.warehouse,
            k.carrier, k.buyer_no
        from event_src r join order_keys k using (idx) join event_names n using (ev)
            join source_names s using (src)
    """
    hashed = with_stable_hash(inner, f"order_id, event, source, {iso_sql('occurred_at')}", "event_id", 13)
    out = con.sql(f"""
        select event_id, order_id, event, source,
            case source when 'wms' then 'wms-' || lower(warehouse) when 'carrier' then carrier
                 when 'console' then 'ops.' || ['li', 'wang', 'chen', 'zhao'][buyer_no % 4 + 1]
                 when 'oms' then case when event = 'reviewed' then 'auto-review' else 'oms' end
                 else channel end as actor,
            occurred_at, case when event = 'shipped' and source = 'carrier' then 'first scan' end as detail,
            ingested_at, 'demo-' || channel || '-' || strftime(ingested_at - interval 60 second,
                '%Y%m%dT%H%M')
                as batch_id
        from ({hashed}) order by order_id, occurred_at, event, source
    """).to_arrow_table()
    for name in ("event_src", "event_names", "source_names"):
        con.unregister(name)
    return out
