"""What the platforms' payout APIs share: the sandbox's payout plan and the settlement lines of one record.

The sandbox (sim/sandbox/payouts.py) serves each platform's payout records from `payouts()`, the same plan
for every platform, so a test can work the lines out on its own: every delivered, paid order is paid out
`days` after delivery, but, by the order's number k (the digits of its id, mod 100 000), every 29th never,
every 31st twice (a second payout 7 days later, where the platform's records can tell the two apart) and
every 37th with its commission 0.10 high. `parts()` turns one record's named amounts into signed lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ingest.platforms.sample import SimOrder
from ingest.settlements import settlement_line

OVERCHARGE = Decimal("0.10")


@dataclass(frozen=True)
class Payout:
    sim: SimOrder
    k: int  # the order's number: the plants key on it
    again: int  # 0 the payout, 1 the planted second one
    at: datetime


def order_number(platform_order_id: str) -> int:
    digits = re.sub(r"\D", "", platform_order_id)
    return int(digits) % 100_000 if digits else 1


def percent(total: Decimal, rate: str) -> Decimal:
    """`rate` % of `total`, to the cent, half up (the platforms' own rounding)."""
    return (total * Decimal(rate) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def payouts(sims: Iterable[SimOrder], now: datetime, days: float, twice: bool = True) -> list[Payout]:
    """The payouts made by `now`, oldest first (see the module docstring for the plants)."""
    out = []
    for sim in sims:
        k = order_number(sim.platform_order_id)
        if sim.delivered is None or sim.paid is None or k % 29 == 0:
            continue
        for again in range(2 if twice and k % 31 == 0 else 1):
            at = sim.delivered + timedelta(days=days + 7 * again)
            if at <= now:
                out.append(Payout(sim, k, again, at))
    return sorted(out, key=lambda p: (p.at, p.sim.platform_order_id, p.again))


def parts(key: str, channel: str, shop_id: str, order: str, amounts: list[tuple[str, str, int]], currency: str,
          at: datetime, *, report: str, payout_id: str | None = None, batch_id: str | None = None
          ) -> list[dict[str, Any]]:
    """One record's settlement lines: (part name, line type, signed minor units) each, zeros left out; the
    part name keeps two lines of one type (a commission and a service fee, both fees) apart."""
    return [settlement_line(f"{key}:{name}", channel, shop_id, order, kind, cents, currency, at, report=report,
                            payout_id=payout_id, batch_id=batch_id)
            for name, kind, cents in amounts if cents]
