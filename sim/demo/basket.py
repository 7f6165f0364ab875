"""What each order holds and where it ships from: lines, amounts in minor units, flags, warehouse, carrier.

Prices are set once in CNY and converted into each channel's currency with "shop-like" endings (.90,
฿…9), then stored as integer minor units following models.money's exponent rules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.money import exponent
from sim.demo import catalog as cat
from sim.demo.orders import CURRENCY, FREE_SHIPPING_FROM, FX, SHIPPING_FEE

SKUS = pd.DataFrame(
    [
        (f"{prefix}-{i + 1:03d}", title, name, cold, price)
        for name, (prefix, cold, items) in cat.CATEGORIES.items()
        for i, (title, price) in enumerate(items)
    ]
    + [(code, title, "gift", False, 0.0) for code, title in cat.GIFTS],
    columns=["sku", "title", "category", "is_cold", "price_cny"],
)
N_SELLABLE = len(SKUS) - len(cat.GIFTS)


def local_price_cents(price_cny: np.ndarray, currency: str) -> np.ndarray:
    """Catalogue price in a currency's minor units, rounded up to a shop-like ending."""
    scale = 10 ** exponent(currency)
    local = price_cny / FX[currency]
    if currency == "CNY":
        return np.round(local * scale).astype(np.int64)
    if currency == "THB":
        return ((np.ceil(local / 10) * 10 - 1) * scale).astype(np.int64)
    return (np.ceil(local) * scale - scale // 10).astype(np.int64)


def simulate_lines(rng: np.random.Generator, orders: pd.DataFrame) -> pd.DataFrame:
    """1–4 lines per order from a popularity-skewed catalogue; no cold-chain goods go abroad."""
    n = len(orders)
    n_lines = rng.choice([1, 2, 3, 4], size=n, p=[0.58, 0.27, 0.10, 0.05])
    order_idx = np.repeat(np.arange(n), n_lines)
    line_no = (np.arange(order_idx.size) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines) + 1).astype(
        np.int32
    )
    popularity = 1.0 / (rng.permutation(N_SELLABLE) + 3.0) ** 0.9
    sku_idx = rng.choice(N_SELLABLE, size=order_idx.size, p=popularity / popularity.sum())
    abroad = (orders["country"].to_numpy() != "CN")[order_idx]
    cold = SKUS["is_cold"].to_numpy()
    move = abroad & cold[sku_idx]
    sku_idx[move] = (sku_idx[move] + 9) % N_SELLABLE
    sku_idx[abroad & cold[sku_idx]] = 0
    qty = rng.choice([1, 2, 3], size=order_idx.size, p=[0.82, 0.14, 0.04]).astype(np.int32)
    return pd.DataFrame(
        {"order_idx": order_idx, "line_no": line_no, "sku_idx": sku_idx, "qty": qty, "is_gift": False}
    )


def price_orders(rng: np.random.Generator, orders: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Unit prices per line, then order totals, shipping, discounts and gift lines; returns all lines."""
    n = len(orders)
    currency = orders["country"].map(CURRENCY).to_numpy()
    orders["currency"] = currency
    line_cur = currency[lines["order_idx"].to_numpy()]
    price = np.zeros(len(lines), dtype=np.int64)
    for cur in np.unique(line_cur):
        m = line_cur == cur
        price[m] = local_price_cents(SKUS["price_cny"].to_numpy()[lines["sku_idx"].to_numpy()[m]], cur)
    lines["unit_price_cents"] = price
    subtotal = np.bincount(lines["order_idx"], weights=price * lines["qty"].to_numpy(), minlength=n)
    fx = orders["currency"].map(FX).to_numpy() / 100.0
    subtotal_cny = subtotal * fx
    discount_rate = np.where(rng.random(n) < 0.22, rng.choice([0.05, 0.1, 0.15], n), 0.0)
    discount_rate = np.where(orders["on_peak"].to_numpy() & (rng.random(n) < 0.6), 0.15, discount_rate)
    orders["discount_cents"] = (np.floor(subtotal * discount_rate / 100) * 100).astype(np.int64)
    free_from = orders["currency"].map(FREE_SHIPPING_FROM).fillna(0).to_numpy() * 100
    fee = orders["currency"].map(SHIPPING_FEE).fillna(0).to_numpy() * 100
    orders["shipping_cents"] = np.where(subtotal >= free_from, 0, np.round(fee)).astype(np.int64)
    orders["total_cents"] = (subtotal - orders["discount_cents"] + orders["shipping_cents"]).astype(np.int64)
    orders["total_cny"] = orders["total_cents"].to_numpy() * fx
    gift = ((subtotal_cny >= 599) & (rng.random(n) < 0.85)) | (rng.random(n) < 0.03)
    orders["has_gift"] = gift
    orders["gift_due"] = subtotal_cny >= 599  # the gift-combo rule: such orders should carry a gift
    n_lines = np.bincount(lines["order_idx"], minlength=n)
    gifts = pd.DataFrame(
        {
            "order_idx": np.flatnonzero(gift),
            "line_no": (n_lines[gift] + 1).astype(np.int32),
            "sku_idx": N_SELLABLE + rng.integers(0, len(cat.GIFTS), int(gift.sum())),
            "qty": np.ones(int(gift.sum()), dtype=np.int32),
            "is_gift": True,
            "unit_price_cents": np.zeros(int(gift.sum()), dtype=np.int64),
        }
    )
    out = pd.concat([lines, gifts], ignore_index=True).sort_values(["order_idx", "line_no"], kind="stable")
    return out.reset_index(drop=True)


def set_flags_and_routes(
    rng: np.random.Generator, orders: pd.DataFrame, lines: pd.DataFrame, presale_share: np.ndarray
) -> None:
    """Flags (urgent from the buyer note, VIP above ¥500, presale, cold chain), warehouse and carrier."""
    n = len(orders)
    note = np.array(cat.BUYER_NOTES, dtype=object)[orders["note_idx"].to_numpy()]
    orders["buyer_note"] = note
    urgent_note = pd.Series(note).str.contains("急|生日礼物").to_numpy()
    orders["is_urgent"] = urgent_note | (rng.random(n) < 0.006)
    orders["is_vip"] = (orders["total_cny"].to_numpy() > 500) | (rng.random(n) < 0.01)
    orders["is_presale"] = rng.random(n) < presale_share
    cold_line = SKUS["is_cold"].to_numpy()[lines["sku_idx"].to_numpy()]
    orders["is_cold_chain"] = np.bincount(lines["order_idx"], weights=cold_line, minlength=n) > 0
    orders["warehouse_idx"] = _route_warehouse(rng, orders)
    orders["carrier_idx"] = _route_carrier(rng, orders)


_WAREHOUSE_SHARES = {  # region → cumulative share of Suzhou, Hefei, Chengdu
    "east": (0.65, 1.0, 1.0),
    "central": (0.2, 1.0, 1.0),
    "south": (0.2, 0.55, 1.0),
    "west": (0.0, 0.15, 1.0),
    "abroad": (0.6, 1.0, 1.0),
}


def _route_warehouse(rng: np.random.Generator, orders: pd.DataFrame) -> np.ndarray:
    cum = np.array([_WAREHOUSE_SHARES[r] for r in orders["region"]])
    wh = (rng.random(len(orders))[:, None] >= cum).sum(axis=1)
    return np.where(orders["is_cold_chain"].to_numpy(), 3, np.minimum(wh, 2))


def _route_carrier(rng: np.random.Generator, orders: pd.DataFrame) -> np.ndarray:
    """SF for cold chain, urgent and most of Jiangsu/Zhejiang/Shanghai; JD Logistics on JD; Ninja Van/J&T."""
    n = len(orders)
    u = rng.random(n)
    idx = {c: i for i, c in enumerate(cat.CARRIERS)}
    domestic = np.select([u < 0.35, u < 0.65, u < 0.85], [idx["ZTO"], idx["YTO"], idx["J&T"]], idx["SF"])
    jzh = orders["province"].isin(["江苏", "浙江", "上海"]).to_numpy()
    carrier = np.where((jzh & (u < 0.55)) | orders["is_urgent"].to_numpy(), idx["SF"], domestic)
    carrier = np.where(
        (orders["channel"] == "jd").to_numpy(), np.where(u < 0.85, idx["JD Logistics"], idx["SF"]), carrier
    )
    sea = orders["country"].isin(["SG", "MY", "TH"]).to_numpy()
    carrier = np.where(sea, np.where(u < 0.5, idx["Ninja Van"], idx["J&T"]), carrier)
    carrier = np.where((orders["country"] == "US").to_numpy(), idx["SF"], carrier)
    return np.where(orders["is_cold_chain"].to_numpy(), idx["SF"], carrier)
