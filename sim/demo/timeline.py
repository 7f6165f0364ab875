"""When each lifecycle step happens: one float array of UTC seconds per event (NaN = not reached).

Stage durations follow how a seller's operation behaves: payment within minutes (some never pay), auto
review with a few manual reviews, a 16:00 local pick cut-off, per-warehouse pick queues that grow with
the day's volume, carrier collection waves, 1–4 day delivery, auto-confirmation, cancellations and
returns. Everything after the demo's "now" (Window.as_of) is cut off, so recent orders are in progress.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.lifecycle import EVENTS
from sim.demo import catalog as cat
from sim.demo.orders import DAY, HOUR, Window

MIN = 60.0
CUTOFF_H = 16.0
SHIFT_START_H, SHIFT_HOURS = 8.0, 14.0


def _lognormal(rng: np.random.Generator, median: float | np.ndarray, sigma: float, n: int) -> np.ndarray:
    return median * np.exp(rng.normal(0.0, sigma, n))


def _local(t: np.ndarray, win: Window) -> tuple[np.ndarray, np.ndarray]:
    """Local day number and local hour-of-day of UTC instants."""
    lt = t + win.offset_s
    day = np.floor(lt / DAY)
    return day, (lt - day * DAY) / HOUR


def _at_local(day: np.ndarray, hour: float | np.ndarray, win: Window) -> np.ndarray:
    return day * DAY + hour * HOUR - win.offset_s


def simulate(rng: np.random.Generator, orders: pd.DataFrame, win: Window) -> dict[str, np.ndarray]:
    """Event times per order plus helper arrays ('ship_by', 'return_requested'); see the module doc."""
    n = len(orders)
    t: dict[str, np.ndarray] = {e: np.full(n, np.nan) for e in EVENTS}
    placed = orders["placed"].to_numpy()
    t["placed"] = placed.copy()
    offline = (orders["channel"] == "offline").to_numpy()
    never_pay = (rng.random(n) < np.where(offline, 0.005, 0.04)) & ~orders["is_presale"].to_numpy()
    pay_delay = np.where(offline, rng.uniform(5, 60, n), np.minimum(_lognormal(rng, 80.0, 1.1, n), 25 * MIN))
    t["paid"] = np.where(never_pay, np.nan, placed + pay_delay)
    t["cancelled"] = np.where(never_pay, placed + 30 * MIN + rng.uniform(0, 90, n), np.nan)
    _review(rng, orders, t, win)
    _allocate(rng, orders, t, win)
    _pick(rng, orders, t, win)
    _pack_and_ship(rng, orders, t, win)
    _deliver_and_complete(rng, orders, t, win)
    _buyer_cancel(rng, orders, t)
    t["return_requested"] = _returns(rng, orders, t)
    _swap_some_steps(rng, t)
    ship_hours = np.array([c.ship_by_hours for c in cat.CHANNELS], dtype=float)[
        orders["channel_idx"].to_numpy()
    ]
    start = np.where(orders["is_presale"].to_numpy(), t["allocated"], t["paid"])
    t["ship_by"] = start + ship_hours * HOUR
    for name, times in t.items():
        if name != "ship_by":
            times[times > win.as_of] = np.nan
        t[name] = np.round(times)
    return t


def _review(rng: np.random.Generator, orders: pd.DataFrame, t: dict[str, np.ndarray], win: Window) -> None:
    """Auto review within minutes; ~1 % manual (campus address under ¥50, big tickets, random) for hours."""
    n = len(orders)
    total = orders["total_cny"].to_numpy()
    manual = (
        (orders["campus"].to_numpy() & (total < 50))
        | ((total > 1500) & (rng.random(n) < 0.25))
        | (rng.random(n) < 0.008)
    )
    manual &= ~np.isnan(t["paid"])
    delay = np.where(manual, _lognormal(rng, 1.4 * HOUR, 0.7, n), rng.uniform(20, 240, n))
    reviewed = t["paid"] + delay
    day, hour = _local(reviewed, win)
    night = manual & ((hour >= 22) | (hour < 9))
    reviewed = np.where(
        night, _at_local(day + (hour >= 22), 9.0, win) + rng.uniform(0, 90 * MIN, n), reviewed
    )
    t["reviewed"] = reviewed
    orders["manual_review"] = manual


def _allocate(rng: np.random.Generator, orders: pd.DataFrame, t: dict[str, np.ndarray], win: Window) -> None:
    """Allocation minutes after review; presale orders wait for the release day after the big peak."""
    n = len(orders)
    alloc = t["reviewed"] + rng.uniform(30, 6 * MIN, n)
    release_day = np.floor((win.start_utc + win.offset_s) / DAY) + win.major_peak + 1 + rng.integers(0, 3, n)
    release = _at_local(release_day, 9.0, win) + rng.uniform(0, 3 * HOUR, n)
    release = np.maximum(release, t["placed"] + 4 * DAY + rng.uniform(0, 3 * DAY, n))
    presale = orders["is_presale"].to_numpy()
    t["allocated"] = np.where(presale, np.maximum(alloc, release), alloc)


def _pick(rng: np.random.Generator, orders: pd.DataFrame, t: dict[str, np.ndarray], win: Window) -> None:
    """16:00 cut-off, then a per-warehouse FIFO queue with daily capacity; backlog carries over."""
    alloc = t["allocated"]
    ok = ~np.isnan(alloc)
    day, hour = _local(np.where(ok, alloc, 0.0), win)
    urgent_late = orders["is_urgent"].to_numpy() & (hour < 18)
    pick_day = day + ((hour >= CUTOFF_H) & ~urgent_late)
    shift_start = _at_local(pick_day, SHIFT_START_H, win)
    ready = np.maximum(alloc, shift_start)
    wh = orders["warehouse_idx"].to_numpy()
    day0 = np.floor((win.start_utc + win.offset_s) / DAY)
    rel = np.where(ok, pick_day - day0, 0).astype(np.int64)
    n_days = int(rel.max()) + 2
    counts = np.zeros((len(cat.WAREHOUSES), n_days))
    np.add.at(counts, (wh[ok], rel[ok]), 1)
    usual = np.median(counts[:, 1 : len(win.dates)], axis=1) + 1  # a usual day inside the window
    surge = np.ones(n_days)  # temporary staff around the promotion peaks
    surge[win.major_peak : win.major_peak + 4] = 1.8
    surge[win.mid_peak : win.mid_peak + 2] = 1.3
    capacity = np.outer(usual * np.array([cat.WAREHOUSE_CAPACITY[w] for w in cat.WAREHOUSES]), surge)
    backlog = np.zeros_like(counts)
    for d in range(1, n_days):  # one step per day for all warehouses at once, not per order
        backlog[:, d] = np.maximum(0.0, backlog[:, d - 1] + counts[:, d - 1] - capacity[:, d - 1])
    frame = pd.DataFrame({"key": wh * n_days + rel, "ready": np.where(ok, ready, np.inf)})
    rank = frame.sort_values(["key", "ready"], kind="stable").groupby("key").cumcount()
    rank = rank.reindex(frame.index).to_numpy() + backlog[wh, rel]
    work = (rank + 1) / capacity[wh, rel] * SHIFT_HOURS * HOUR
    spill = np.floor(work / (SHIFT_HOURS * HOUR))
    queue_done = shift_start + spill * DAY + (work - spill * SHIFT_HOURS * HOUR)
    service = _lognormal(rng, 6 * MIN, 0.5, len(alloc))
    held = rng.random(len(alloc)) < 0.015  # waiting for stock or a fix: these tend to ship late
    service = np.where(held, rng.uniform(20 * HOUR, 60 * HOUR, len(alloc)), service)
    t["picked"] = np.where(ok, np.maximum(ready + service, queue_done), np.nan)
    orders["pick_load"] = np.where(ok, (counts[wh, rel] + backlog[wh, rel]) / capacity[wh, rel], 1.0)


def _pack_and_ship(
    rng: np.random.Generator, orders: pd.DataFrame, t: dict[str, np.ndarray], win: Window
) -> None:
    """Packing per warehouse speed (slower under load), then the next carrier collection wave."""
    n = len(orders)
    median = np.array([cat.PACK_MINUTES[w] for w in cat.WAREHOUSES])[orders["warehouse_idx"].to_numpy()] * MIN
    stretch = np.clip(orders["pick_load"].to_numpy(), 1.0, 3.0)
    t["packed"] = t["picked"] + _lognormal(rng, median * stretch, 0.6, n)
    day, hour = _local(np.nan_to_num(t["packed"] + 10 * MIN), win)
    waves = np.array(cat.COLLECTION_HOURS)
    k = np.searchsorted(waves, hour)
    wave_hour = np.where(k < len(waves), waves[np.minimum(k, len(waves) - 1)], waves[0])
    shipped = _at_local(day + (k >= len(waves)), wave_hour, win) + rng.uniform(0, 25 * MIN, n)
    t["shipped"] = np.where(np.isnan(t["packed"]), np.nan, shipped)
    t["in_transit"] = t["shipped"] + rng.uniform(1 * HOUR, 6 * HOUR, n)


def _deliver_and_complete(
    rng: np.random.Generator, orders: pd.DataFrame, t: dict[str, np.ndarray], win: Window
) -> None:
    """1–4 days by distance (cross-border longer), in daytime; then confirmed or auto-confirmed."""
    n = len(orders)
    region = orders["region"].to_numpy()
    base = np.select([region == "east", region == "central", region == "abroad"], [1.0, 1.5, 2.5], 2.0)
    near_hub = (orders["warehouse_idx"].to_numpy() == 2) & (region == "west")
    base = np.where(near_hub, 1.0, base)
    days_out = np.floor(base + rng.uniform(0, 1.6, n))
    day, _ = _local(np.nan_to_num(t["shipped"]), win)
    t["delivered"] = np.where(
        np.isnan(t["shipped"]), np.nan, _at_local(day + days_out, 9.0, win) + rng.uniform(0, 11 * HOUR, n)
    )
    auto = np.where(orders["country"].to_numpy() == "CN", 7 * DAY, 3 * DAY)
    confirm = rng.random(n) < 0.45
    t["completed"] = t["delivered"] + np.where(confirm, rng.uniform(2 * HOUR, 3 * DAY, n), auto)


def _buyer_cancel(rng: np.random.Generator, orders: pd.DataFrame, t: dict[str, np.ndarray]) -> None:
    """~1.2 % of paid orders are cancelled before they ship: later steps vanish, a refund follows."""
    n = len(orders)
    at = t["paid"] + rng.uniform(5 * MIN, 5 * HOUR, n)
    cancel = (rng.random(n) < 0.012) & ~np.isnan(t["paid"]) & (np.isnan(t["shipped"]) | (at < t["shipped"]))
    for step in (
        "reviewed",
        "allocated",
        "picked",
        "packed",
        "shipped",
        "in_transit",
        "delivered",
        "completed",
    ):
        t[step] = np.where(cancel & (t[step] > at), np.nan, t[step])
    t["cancelled"] = np.where(cancel, at, t["cancelled"])
    t["refunded"] = np.where(cancel, at + rng.uniform(MIN, 2 * HOUR, n), np.nan)
    orders["buyer_cancelled"] = cancel


def _returns(rng: np.random.Generator, orders: pd.DataFrame, t: dict[str, np.ndarray]) -> np.ndarray:
    """~4.5 % of delivered orders come back (request, goods back, refund); completion stops."""
    n = len(orders)
    ret = ~np.isnan(t["delivered"]) & (rng.random(n) < 0.045)
    requested = np.where(ret, t["delivered"] + rng.uniform(0.3 * DAY, 6 * DAY, n), np.nan)
    t["returned"] = requested + rng.uniform(2 * DAY, 5 * DAY, n)
    t["refunded"] = np.where(ret, t["returned"] + rng.uniform(0.2 * DAY, 2 * DAY, n), t["refunded"])
    t["completed"] = np.where(ret & (requested < t["completed"]), np.nan, t["completed"])
    return requested


def _swap_some_steps(rng: np.random.Generator, t: dict[str, np.ndarray]) -> None:
    """~0.2 % of orders report packed before picked: a real data error the console must surface, not hide."""
    n = t["packed"].size
    swap = ~np.isnan(t["packed"]) & (rng.random(n) < 0.002)
    t["picked"] = np.where(swap, t["packed"] + rng.uniform(MIN, 20 * MIN, n), t["picked"])
