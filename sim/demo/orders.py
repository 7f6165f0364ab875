"""Who ordered what, when and where: the order skeleton and its lines, as numpy columns (no per-order loop).

Volumes follow a weekly rhythm (weekends higher), two promotion peaks and an evening-heavy intraday curve
in local time; every figure comes from one seeded generator, so the same seed gives the same orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from sim.demo import catalog as cat

DAY = 86_400.0
HOUR = 3_600.0
WEEKDAY_FACTOR = np.array([0.93, 0.9, 0.9, 0.94, 1.02, 1.24, 1.27])
HOURLY = np.array(
    [
        2.2,
        1.2,
        0.7,
        0.5,
        0.4,
        0.5,
        0.9,
        1.8,
        3.0,
        4.0,
        4.5,
        4.8,
        5.0,
        4.6,
        4.4,
        4.5,
        4.6,
        4.8,
        5.2,
        6.0,
        7.5,
        8.2,
        7.0,
        4.5,
    ]
)
# FX as units of CNY per unit (the defaults of models.settings): catalogue prices are set in CNY.
FX = {"CNY": 1.0, "USD": 7.1, "SGD": 5.3, "MYR": 1.6, "THB": 0.2}
CURRENCY = {"CN": "CNY", "SG": "SGD", "MY": "MYR", "TH": "THB", "US": "USD"}
FREE_SHIPPING_FROM = {"SGD": 40.0, "MYR": 120.0, "THB": 900.0, "USD": 50.0}
SHIPPING_FEE = {"SGD": 2.99, "MYR": 4.90, "THB": 39.0, "USD": 6.95}


@dataclass(frozen=True)
class Window:
    """The local dates of the history, its peaks, and the local zone's UTC offset (no DST)."""

    dates: list[date]
    offset_s: float
    major_peak: int
    mid_peak: int

    @property
    def start_utc(self) -> float:
        return pd.Timestamp(self.dates[0]).timestamp() - self.offset_s

    @property
    def as_of(self) -> float:
        """The demo's "now": local midnight after the last day; nothing happens later than this."""
        return self.start_utc + len(self.dates) * DAY


def make_window(end: date, days: int, offset_s: float) -> Window:
    """The window and its peaks: 11 Nov / 18 Jun when inside it, else at fixed fractions of the window."""
    dates = [end - timedelta(days=days - 1 - i) for i in range(days)]
    major = next((i for i, d in enumerate(dates) if (d.month, d.day) == (11, 11)), int(days * 0.62))
    mid = next((i for i, d in enumerate(dates) if (d.month, d.day) == (6, 18)), int(days * 0.25))
    if mid == major:
        mid = max(0, major - max(3, days // 4))
    return Window(dates, offset_s, major, mid)


def day_factors(rng: np.random.Generator, win: Window) -> np.ndarray:
    """Expected volume of each day relative to --orders-per-day."""
    weekday = WEEKDAY_FACTOR[[d.weekday() for d in win.dates]]
    factor = weekday * np.exp(rng.normal(0.0, 0.06, len(win.dates)))
    bumps = {
        win.mid_peak: 2.4,
        win.mid_peak + 1: 1.3,
        win.major_peak - 1: 1.5,
        win.major_peak: 4.3,
        win.major_peak + 1: 1.8,
    }
    for i, mult in bumps.items():
        if 0 <= i < len(factor):
            factor[i] *= mult
    return factor


def _placed_times(rng: np.random.Generator, win: Window, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    day_idx = np.repeat(np.arange(len(counts)), counts)
    hourly = HOURLY / HOURLY.sum()
    peak_hourly = HOURLY.copy()
    peak_hourly[0] *= 6  # the midnight rush of a double-11-style day
    peak_hourly /= peak_hourly.sum()
    hour = rng.choice(24, size=day_idx.size, p=hourly)
    on_peak = day_idx == win.major_peak
    hour[on_peak] = rng.choice(24, size=int(on_peak.sum()), p=peak_hourly)
    seconds = np.floor((hour + rng.random(day_idx.size)) * HOUR)
    placed = win.start_utc + day_idx * DAY + seconds
    order = np.argsort(placed, kind="stable")
    return day_idx[order], placed[order]


def simulate_orders(rng: np.random.Generator, win: Window, orders_per_day: int) -> pd.DataFrame:
    """One row per order: when, which channel and shop, where it goes, note and flags (lines come later)."""
    counts = rng.poisson(orders_per_day * day_factors(rng, win))
    day_idx, placed = _placed_times(rng, win, counts)
    n = placed.size
    weights = np.array([c.weight for c in cat.CHANNELS])
    channel = rng.choice(len(cat.CHANNELS), size=n, p=weights / weights.sum())
    n_shops = np.array([len(c.shops) for c in cat.CHANNELS])[channel]
    shop_rank = np.floor(rng.random(n) ** 1.6 * n_shops).astype(np.int64)
    country = np.array([c.country for c in cat.CHANNELS], dtype=object)[channel]
    df = pd.DataFrame(
        {
            "day_idx": day_idx,
            "placed": placed,
            "channel_idx": channel,
            "shop_rank": shop_rank,
            "country": country,
        }
    )
    df["channel"] = np.array([c.code for c in cat.CHANNELS], dtype=object)[channel]
    df["shop_id"] = _table([c.shops for c in cat.CHANNELS])[channel, shop_rank]
    _add_regions(rng, df)
    note = rng.choice(len(cat.BUYER_NOTES), size=n, p=np.array(cat.NOTE_WEIGHTS) / sum(cat.NOTE_WEIGHTS))
    df["note_idx"] = note
    df["seq"] = rng.permutation(n) + 10_000_000  # platform order numbers: unique, not in placing order
    df["buyer_no"] = rng.integers(0, 400_000, n)
    df["campus"] = (df["country"] == "CN") & (rng.random(n) < 0.015)
    return df


def _table(rows: list[tuple[str, ...]]) -> np.ndarray:
    """A ragged list of names as a 2-D object array, short rows padded by repeating their first name."""
    width = max(map(len, rows))
    return np.array([list(r) + [r[0]] * (width - len(r)) for r in rows], dtype=object)


def _add_regions(rng: np.random.Generator, df: pd.DataFrame) -> None:
    """Province, city and routing region: Chinese provinces by population weight, overseas by state."""
    n = len(df)
    weights = np.array([p[1] for p in cat.CN_PROVINCES], dtype=float)
    prov = rng.choice(len(cat.CN_PROVINCES), size=n, p=weights / weights.sum())
    pick = rng.integers(0, 1_000, n)
    names = np.array([p[0] for p in cat.CN_PROVINCES], dtype=object)
    regions = np.array([p[3] for p in cat.CN_PROVINCES], dtype=object)
    n_cities = np.array([len(p[2]) for p in cat.CN_PROVINCES])
    province = names[prov]
    city = _table([p[2] for p in cat.CN_PROVINCES])[prov, pick % n_cities[prov]]
    region = regions[prov]
    for code, places in cat.ABROAD.items():
        mask = (df["country"] == code).to_numpy()
        k = pick[mask] % len(places)
        province[mask] = np.array([p[0] for p in places], dtype=object)[k]
        city[mask] = np.array([p[1] for p in places], dtype=object)[k]
        region[mask] = "abroad"
    df["province"], df["city"], df["region"] = province, city, region
