"""The sandbox's marketplace: generated orders that move through their lifecycle as its clock runs.

Every order has a fixed timeline drawn from a seeded RNG (placed → paid → shipped → delivered, or placed
→ cancelled). What the APIs show at clock time t is each order as of t: orders placed after t do not
exist yet, and an order's stage and `update_time` are those of its last step at or before t, or of its
last edit (`touch`, the `churn` fault: a changed note or address moves the order's update time to now).
The clock runs (from a chosen start in tests), so every page is computed from the live state at the
moment it is asked for; freeze it only where a test needs a fixed order set.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from ingest.platforms import PLATFORMS as DECLARED
from ingest.platforms.sample import SimLine, SimOrder
from models.channels import CHANNELS
from sim.sandbox.payloads import make_order

PLATFORMS = tuple(DECLARED)
SHOP_IDS = {code: p.sandbox.shop_id for code, p in DECLARED.items()}

def _catalogue() -> list[tuple[str, str, str]]:
    """(sku, title, price) of the demo catalogue's ambient goods: the sandbox sells what the demo lake's
    warehouses stock, so live orders in `make run` route like the history instead of all going out of stock."""
    from sim.demo.basket import SKUS as DEMO_SKUS

    sellable = DEMO_SKUS[(DEMO_SKUS["category"] != "gift") & ~DEMO_SKUS["is_cold"]]
    return [(r.sku, r.title, f"{r.price_cny:.2f}") for r in sellable.itertuples()]


SKUS = _catalogue()
PROVINCES = [("浙江", "杭州"), ("江苏", "南京"), ("上海", "上海"), ("广东", "深圳"), ("四川", "成都")]
# The warehouse hands an order to the carrier 40–100 minutes after payment, no step waiting over half an
# hour (fulfil.py), so it meets every SLA rule; LATE_RATE of the paid orders are held for stock for
# LATE_HOLD_H hours first: the planted late orders, the only ones an SLA rule should flag.
HANDOVER_MIN = (40, 100)
LATE_RATE = 0.08
LATE_HOLD_H = (8, 20)


class Clock:
    """The marketplace's time: the wall clock plus an offset, or frozen at a moment. Thread-safe."""

    def __init__(self, frozen: datetime | None = None, *, start: datetime | None = None):
        """Frozen at `frozen`; or running at wall-clock speed from `start` (default: the wall clock)."""
        self._lock = threading.Lock()
        self._frozen = frozen
        self._offset = (start - datetime.now(UTC)) if start is not None else timedelta(0)

    def now(self) -> datetime:
        with self._lock:
            return self._frozen if self._frozen is not None else datetime.now(UTC) + self._offset

    def freeze(self, at: datetime | None = None) -> None:
        with self._lock:
            self._frozen = at or (datetime.now(UTC) + self._offset)

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen is not None:
                self._frozen += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)


@dataclass(frozen=True)
class Timeline:
    """One order's whole life; `at(t)` is the SimOrder as the platform shows it at time t."""

    order: SimOrder  # with every timestamp filled in

    def at(self, t: datetime) -> SimOrder | None:
        o = self.order
        if o.created > t:
            return None
        seen = {
            k: (v if v is not None and v <= t else None)
            for k, v in (
                ("paid", o.paid),
                ("shipped", o.shipped),
                ("delivered", o.delivered),
                ("cancelled", o.cancelled),
            )
        }
        stage = (
            "cancelled"
            if seen["cancelled"]
            else "delivered"
            if seen["delivered"]
            else "shipped"
            if seen["shipped"]
            else "to_ship"
            if seen["paid"]
            else "pending_payment"
        )
        shipped = seen["shipped"] is not None
        return replace(
            o,
            stage=stage,
            **seen,
            carrier=o.carrier if shipped else None,
            tracking_no=o.tracking_no if shipped else None,
        )


def _timeline(rng: random.Random, platform: str, n: int, placed: datetime) -> Timeline:
    lines = [
        SimLine(sku, title, rng.randint(1, 3), price)
        for sku, title, price in rng.sample(SKUS, rng.randint(1, 3))
    ]
    total = sum(float(line.price) * line.qty for line in lines)
    province, city = rng.choice(PROVINCES)
    placed = placed.replace(microsecond=0)
    paid = placed + timedelta(minutes=rng.randint(1, 90))
    hold = timedelta(seconds=rng.randint(LATE_HOLD_H[0] * 3600, LATE_HOLD_H[1] * 3600)) \
        if rng.random() < LATE_RATE else timedelta(0)
    shipped = paid + timedelta(seconds=rng.randint(HANDOVER_MIN[0] * 60, HANDOVER_MIN[1] * 60)) + hold
    delivered = shipped + timedelta(hours=rng.randint(24, 96))
    cancelled = placed + timedelta(minutes=rng.randint(20, 180)) if rng.random() < 0.08 else None
    sim = SimOrder(
        DECLARED[platform].sandbox.order_id(placed, n),
        SHOP_IDS[platform],
        CHANNELS[platform].currency,
        f"{total:.2f}",
        placed,
        paid=None if cancelled else paid,
        shipped=None if cancelled else shipped,
        delivered=None if cancelled else delivered,
        cancelled=cancelled,
        receiver_name=f"Buyer {n}",
        receiver_phone=f"+86 138{n:08d}",
        receiver_country="CN",
        receiver_province=province,
        receiver_city=city,
        receiver_address=f"{n} Sandbox Road",
        lines=lines,
        carrier="SF",
        tracking_no=f"SF{PLATFORMS.index(platform) + 1}{n:09d}",  # unique across platforms: carriers key on it
    )
    return Timeline(sim)


class Market:
    """All platforms' orders; `visible(platform)` is what the APIs serve right now, oldest update first."""

    def __init__(
        self,
        clock: Clock,
        *,
        orders_per_platform: int = 200,
        days: float = 20,
        seed: int = 7,
        future_days: float = 0,
    ):
        self.clock = clock
        self._touch_lock = threading.Lock()
        self.touched: dict[tuple[str, str], datetime] = {}  # (platform, id) → when it was last edited
        self.touches = 0
        start = clock.now() - timedelta(days=days)
        span = (days + future_days) * 86400
        self.timelines: dict[str, list[Timeline]] = {}
        for platform in PLATFORMS:
            rng = random.Random(f"{seed}-{platform}")
            self.timelines[platform] = [
                _timeline(rng, platform, n, start + timedelta(seconds=rng.uniform(0, span)))
                for n in range(1, orders_per_platform + 1)
            ]

    def visible(
        self,
        platform: str,
        *,
        updated_from: datetime | None = None,
        updated_to: datetime | None = None,
        inclusive_to: bool = False,
    ) -> list[SimOrder]:
        """Orders as of now whose last update falls in the window, sorted by (update time, id)."""
        t = self.clock.now()
        out = []
        for tl in self.timelines[platform]:
            sim = tl.at(t)
            if sim is None:
                continue
            edited = self.touched.get((platform, sim.platform_order_id))
            if edited is not None and edited <= t:
                sim = replace(sim, modified=edited, buyer_note=f"edited {edited:%H:%M:%S}")
            u = sim.updated
            if updated_from is not None and u < updated_from:
                continue
            if updated_to is not None and (u > updated_to if inclusive_to else u >= updated_to):
                continue
            out.append(sim)
        out.sort(key=lambda s: (s.updated, s.platform_order_id))
        return out

    def touch(self, platform: str, order_ids: list[str]) -> None:
        """Edit these orders now: each leaves its place in an update-time ordered list and every later
        order moves up."""
        at = self.clock.now()
        with self._touch_lock:
            for pid in order_ids:
                self.touched[(platform, pid)] = at
            self.touches += len(order_ids)

    def place(self, platform: str, lines: list[SimLine], buyer: int = 0) -> SimOrder:
        """A buyer's checkout now: a new order, paid at once, that later pulls find (sim/sandbox/listings.py
        decides whether the platform lets it through)."""
        placed = self.clock.now().replace(microsecond=0)
        total = sum(float(li.price) * li.qty for li in lines)
        province, city = PROVINCES[buyer % len(PROVINCES)]
        with self._touch_lock:
            n = len(self.timelines[platform]) + 1
            sim = SimOrder(
                DECLARED[platform].sandbox.order_id(placed, n), SHOP_IDS[platform], CHANNELS[platform].currency,
                f"{total:.2f}", placed, paid=placed, receiver_name=f"Buyer {n}", receiver_phone=f"+86 139{n:08d}",
                receiver_country="CN", receiver_province=province, receiver_city=city,
                receiver_address=f"{n} Checkout Road", lines=lines, carrier="SF",
                tracking_no=f"SF{PLATFORMS.index(platform) + 1}{n:09d}",
            )
            self.timelines[platform].append(Timeline(sim))
        return sim

    def order_ids(self, platform: str) -> list[str]:
        """The platform ids of every order that exists now: what a complete pull must end up with."""
        return sorted(s.platform_order_id for s in self.visible(platform))

    @staticmethod
    def render(platform: str, sims: list[SimOrder]) -> list[dict]:
        return [make_order(platform, s) for s in sims]


def wall_seconds() -> float:
    """Real time for signature freshness checks: the simulated clock may be frozen far from it."""
    return time.time()
