"""What the connectors would have seen: one raw payload per order in its platform's own JSON shape and
status words, the 10-minute pulls (channel_runs) that fetched them, and daily inventory snapshots.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.demo import catalog as cat
from sim.demo.basket import SKUS
from sim.demo.orders import DAY, Window
from sim.demo.sqlbits import ts_array

_LOCAL = "strftime(timezone('Asia/Shanghai', {c}), '%Y-%m-%d %H:%M:%S')"
_UNIX = "epoch({c})::bigint"
_AMOUNT = "printf('%.2f', {c} / 100.0)"

# Per channel: the payload's JSON object (DuckDB json_object keeps key order), over o.* and items.
_PAYLOADS = {
    "shopee": f"""json_object('order_sn', platform_order_id, 'region', receiver_country, 'currency', currency,
        'order_status', raw_status, 'total_amount', total_cents / 100.0, 'create_time',
            {_UNIX.format(c="placed_at")},
        'pay_time', {_UNIX.format(c="paid_at")}, 'update_time', {_UNIX.format(c="updated_at")},
        'buyer_user_id', buyer_id, 'message_to_seller', coalesce(buyer_note, ''),
        'recipient_address', json_object('name', receiver_name, 'phone', receiver_phone, 'state',
            receiver_province,
            'city', receiver_city, 'full_address', receiver_address),
        'shipping_carrier', carrier, 'item_list', items)""",
    "lazada": f"""json_object('order_number', platform_order_id, 'statuses', [raw_status],
        'price', {_AMOUNT.format(c="total_cents")},
        'shipping_fee', {_AMOUNT.format(c="shipping_cents")}, 'created_at',
            {_LOCAL.format(c="placed_at")} || ' +0800',
        'updated_at', {_LOCAL.format(c="updated_at")} || ' +0800', 'remarks', coalesce(buyer_note, ''),
        'address_shipping', json_object('first_name', receiver_name, 'phone', receiver_phone, 'address1',
            receiver_address,
            'city', receiver_city, 'country', 'Malaysia'), 'items', items)""",
    "tiktok": f"""json_object('id', platform_order_id, 'status', raw_status,
        'create_time', {_UNIX.format(c="placed_at")},
        'paid_time', {_UNIX.format(c="paid_at")}, 'update_time', {_UNIX.format(c="updated_at")},
        'payment', json_object('currency', currency, 'total_amount', {_AMOUNT.format(c="total_cents")}),
        'recipient_address', json_object('name', receiver_name, 'phone_number', receiver_phone,
            'full_address', receiver_address), 'buyer_message', coalesce(buyer_note, ''), 'line_items',
                items)""",
    "shopify": """json_object('name', platform_order_id, 'financial_status', split_part(raw_status, '/', 1),
        'fulfillment_status', nullif(split_part(raw_status, '/', 2), 'unfulfilled'), 'currency', currency,
        'total_price', printf('%.2f', total_cents / 100.0), 'created_at', strftime(placed_at,
            '%Y-%m-%dT%H:%M:%SZ'),
        'updated_at', strftime(updated_at, '%Y-%m-%dT%H:%M:%SZ'), 'note', buyer_note,
        'shipping_address', json_object('name', receiver_name, 'phone', receiver_phone, 'address1',
            receiver_address,
            'city', receiver_city, 'province', receiver_province, 'country_code', 'US'), 'line_items',
                items)""",
    "tmall": f"""json_object('tid', platform_order_id, 'status', raw_status,
        'payment', {_AMOUNT.format(c="total_cents")},
        'created', {_LOCAL.format(c="placed_at")}, 'pay_time', {_LOCAL.format(c="paid_at")},
        'modified', {_LOCAL.format(c="updated_at")}, 'buyer_message', buyer_note, 'receiver_name',
            receiver_name,
        'receiver_mobile', receiver_phone, 'receiver_state', receiver_province, 'receiver_city',
            receiver_city,
        'receiver_address', receiver_address, 'orders', json_object('order', items))""",
    "jd": f"""json_object('orderId', platform_order_id, 'orderState', raw_status,
        'orderTotalPrice', {_AMOUNT.format(c="total_cents")},
        'orderStartTime', {_LOCAL.format(c="placed_at")}, 'paymentConfirmTime', {_LOCAL.format(c="paid_at")},
        'modified', {_LOCAL.format(c="updated_at")}, 'orderRemark', buyer_note,
        'consigneeInfo', json_object('fullname', receiver_name, 'mobile', receiver_phone, 'province',
            receiver_province,
            'city', receiver_city, 'fullAddress', receiver_address), 'itemInfoList', items)""",
    "douyin": f"""json_object('order_id', platform_order_id, 'order_status_desc', raw_status,
        'order_amount', total_cents,
        'create_time', {_UNIX.format(c="placed_at")}, 'pay_time', {_UNIX.format(c="paid_at")},
        'update_time', {_UNIX.format(c="updated_at")}, 'buyer_words', coalesce(buyer_note, ''),
        'post_addr', json_object('province', json_object('name', receiver_province), 'city',
            json_object('name', receiver_city),
            'detail', receiver_address), 'encrypt_post_receiver', receiver_name, 'encrypt_post_tel',
                receiver_phone,
        'sku_order_list', items)""",
    "offline": f"""json_object('doc_no', platform_order_id, 'state', raw_status, 'distributor', shop_id,
        'amount_cny', {_AMOUNT.format(c="total_cents")}, 'order_date', {_LOCAL.format(c="placed_at")},
        'consignee', receiver_name, 'tel', receiver_phone, 'address',
            receiver_province || receiver_city || receiver_address,
        'lines', items)""",
}
_ITEM = {
    "shopee": (
        "json_object('item_sku', sku, 'item_name', title, "
        "'model_quantity_purchased', qty, 'model_discounted_price', unit_price_cents / 100.0)"
    ),
    "lazada": (
        "json_object('sku', sku, 'name', title, 'paid_price', printf('%.2f', "
        "unit_price_cents / 100.0), 'quantity', qty)"
    ),
    "tiktok": (
        "json_object('seller_sku', sku, 'product_name', title, 'quantity', "
        "qty, 'sale_price', printf('%.2f', unit_price_cents / 100.0), 'is_gift', is_gift)"
    ),
    "shopify": (
        "json_object('sku', sku, 'title', title, 'quantity', qty, 'price', "
        "printf('%.2f', unit_price_cents / 100.0))"
    ),
    "tmall": (
        "json_object('outer_iid', sku, 'title', title, 'num', qty, 'price', "
        "printf('%.2f', unit_price_cents / 100.0))"
    ),
    "jd": (
        "json_object('outerSkuId', sku, 'skuName', title, 'itemTotal', qty, "
        "'jdPrice', printf('%.2f', unit_price_cents / 100.0))"
    ),
    "douyin": (
        "json_object('code', sku, 'product_name', title, 'item_num', qty, 'origin_amount', unit_price_cents)"
    ),
    "offline": "json_object('sku', sku, 'qty', qty, 'price', printf('%.2f', unit_price_cents / 100.0))",
}


def raw_table(con, orders: pa.Table, lines: pa.Table) -> pa.Table:
    """One payload per order (its state as last fetched), sha256 of the exact payload text."""
    con.register("o_tab", orders)
    con.register("l_tab", lines)
    parts = []
    for code, payload in _PAYLOADS.items():
        parts.append(f"""
            select o.channel, o.shop_id, o.platform_order_id, o.ingested_at as fetched_at, o.batch_id,
                ({payload})::varchar as payload
            from o_tab o join (select order_id, list({_ITEM[code]} order by line_no) as items
                               from l_tab
                               where order_id in (select order_id from o_tab where channel = '{code}')
                               group by order_id) i using (order_id)
            where o.channel = '{code}'""")
    out = con.sql(f"""
        select channel, shop_id, platform_order_id, fetched_at, sha256(payload) as sha256, batch_id,
            'order' as kind,
            payload
        from ({" union all ".join(parts)}) order by channel, sha256
    """).to_arrow_table()
    con.unregister("o_tab")
    con.unregister("l_tab")
    return out


def channel_runs_table(con, rng: np.random.Generator, orders: pa.Table, win: Window) -> pa.Table:
    """One run per channel per 10-minute pull across the window, with the counts of what it fetched."""
    con.register("o_runs", orders)
    counts = con.sql("""
        select channel, epoch(ingested_at)::bigint - 60 as window_to, count(*) as fetched,
            count(*) filter (where placed_at > ingested_at - interval 11 minute) as new
        from o_runs group by all
    """).df()
    con.unregister("o_runs")
    slots = np.arange(win.start_utc + 600, win.as_of + 1, 600)
    codes = [c.code for c in cat.CHANNELS]
    grid = pd.DataFrame({"channel": np.repeat(codes, slots.size), "window_to": np.tile(slots, len(codes))})
    grid["window_to"] = grid["window_to"].astype(np.int64)
    grid = grid.merge(counts, how="left", on=["channel", "window_to"]).fillna({"fetched": 0, "new": 0})
    n = len(grid)
    errors = np.where(rng.random(n) < 0.01, rng.integers(1, 4, n), 0)
    fetched = grid["fetched"].to_numpy().astype(np.int32)
    start = grid["window_to"].to_numpy().astype(float) + 60
    finished = start + 2 + fetched * 0.05 + errors * 4 + rng.uniform(0, 3, n)
    shops = {c.code: c.shops[0] for c in cat.CHANNELS}
    return pa.table(
        {
            "run_id": pa.array(
                [f"run-{c}-{int(w)}" for c, w in zip(grid["channel"], grid["window_to"], strict=True)]
            ),
            "channel": grid["channel"].to_numpy(),
            "shop_id": grid["channel"].map(shops).to_numpy(),
            "started_at": ts_array(start),
            "finished_at": ts_array(np.minimum(finished, win.as_of + 120)),
            "window_from": ts_array(grid["window_to"].to_numpy() - 600.0),
            "window_to": ts_array(grid["window_to"].to_numpy().astype(float)),
            "pages": np.maximum(1, np.ceil(fetched / 50)).astype(np.int32),
            "fetched": fetched,
            "new": grid["new"].to_numpy().astype(np.int32),
            "updated": (fetched - grid["new"].to_numpy()).astype(np.int32),
            "rejected": np.zeros(n, np.int32),
            "quarantined": np.zeros(n, np.int32),
            "http_errors": errors.astype(np.int32),
            "outcome": np.where(errors > 0, "ok_after_retry", "ok"),
            "watermark": ts_array(grid["window_to"].to_numpy().astype(float)),
        }
    )


def inventory_table(
    rng: np.random.Generator, orders: pd.DataFrame, lines: pd.DataFrame, t: dict[str, np.ndarray], win: Window
) -> pa.Table:
    """Daily snapshot per SKU × warehouse: shipments drain, Monday restock, a few SKUs short."""
    n_days, n_sku, n_wh = len(win.dates), len(SKUS), len(cat.WAREHOUSES)
    wh = orders["warehouse_idx"].to_numpy()[lines["order_idx"].to_numpy()]
    qty = lines["qty"].to_numpy().astype(float)
    sku = lines["sku_idx"].to_numpy()

    def by_day(times: np.ndarray) -> np.ndarray:
        day = np.floor((times[lines["order_idx"].to_numpy()] - win.start_utc) / DAY)
        ok = (day >= 0) & (day < n_days)
        out = np.zeros((n_days, n_sku, n_wh))
        np.add.at(out, (day[ok].astype(int), sku[ok], wh[ok]), qty[ok])
        return out

    shipped, allocated = by_day(t["shipped"]), by_day(t["allocated"])
    daily = shipped.mean(axis=0) + 0.2
    safety = np.ceil(daily * 3).astype(np.int32)
    on_hand = np.zeros((n_days, n_sku, n_wh))
    level = daily * 18
    short = rng.choice(len(SKUS) - len(cat.GIFTS), size=4, replace=False)
    level[short] = daily[short] * 4
    for d in range(n_days):  # one step per day for the whole grid
        level = np.maximum(level - shipped[d], 0)
        restock = (win.dates[d].weekday() == 0) & (level < daily * 10)
        restock[short] = False if d % 21 else restock[short]
        level = np.where(restock, daily * 18, level)
        on_hand[d] = level
    reserved = np.clip(np.cumsum(allocated - shipped, axis=0), 0, None)
    keep = daily > 0.21  # only the SKUs a warehouse actually stocks
    d_idx, s_idx, w_idx = np.nonzero(np.broadcast_to(keep, on_hand.shape))
    snapshot = win.start_utc + (d_idx + 1) * DAY
    return pa.table(
        {
            "snapshot_at": ts_array(snapshot.astype(float)),
            "sku": SKUS["sku"].to_numpy()[s_idx],
            "warehouse": np.array(cat.WAREHOUSES, dtype=object)[w_idx],
            "on_hand": np.round(on_hand[d_idx, s_idx, w_idx]).astype(np.int32),
            "reserved": np.round(
                np.minimum(reserved[d_idx, s_idx, w_idx], on_hand[d_idx, s_idx, w_idx])
            ).astype(np.int32),
            "safety_stock": safety[s_idx, w_idx],
        }
    )
