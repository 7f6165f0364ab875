"""The buyers to watch (Reconciliation) and the buyer rule features, against counts worked out row by row here.

A seeded random month: 40 buyers (one with most orders), blank buyer ids, orders in and out of the scope and
the channel filter, returns of several lines, refunds reported twice, complaints of accuracy and other types,
and every kind of history both inside and outside the 90-day window (its two edges included).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from models import kpis, lake
from models.db import connect
from models.kpis import Scope
from models.settings import Settings

SCOPE = Scope(date(2026, 3, 1), date(2026, 3, 31), channels=("shopee",))
AS_OF = datetime(2026, 4, 5, tzinfo=UTC)
END = datetime(2026, 3, 31, 16, tzinfo=UTC)  # the scope's end: midnight after 03-31 in Asia/Shanghai
WINDOW = (END - timedelta(days=90), END)     # (start, end]: what counts
CONFIG = "[buyers]\ndays = 90\nmin_events = 2\n"
ACCURACY = ("wrong_item", "missing_item")


def _history_time(rng: random.Random) -> datetime:
    """Inside the window, on either edge, or outside it."""
    return rng.choice([WINDOW[0], WINDOW[1], WINDOW[0] - timedelta(hours=1), WINDOW[1] + timedelta(hours=1),
                       WINDOW[0] + timedelta(days=rng.randint(1, 89), minutes=rng.randint(0, 1439))])


def _inside(at: datetime) -> bool:
    return WINDOW[0] < at <= WINDOW[1]


def build(settings: Settings, seed: int) -> tuple[list[dict], dict[str, list[int]]]:
    """Write the lake; return its orders and, per buyer, [returns, refunds, complaints] in the window."""
    rng = random.Random(seed)
    orders, events, returns, exceptions = [], [], [], []
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for n in range(400):
        buyer = rng.choice(["b-heavy"] * 8 + [f"b-{k:02d}" for k in range(40)] + [""])
        placed = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 100), hours=rng.randint(0, 23))
        oid = f"OH-{n:04d}"
        orders.append({"order_id": oid, "channel": rng.choice(["shopee", "shopee", "lazada"]), "shop_id": "s1",
                       "platform_order_id": f"P{n}", "status": "delivered", "currency": "USD", "total_cents": 1000,
                       "buyer_id": buyer, "placed_at": placed, "paid_at": placed, "updated_at": placed,
                       "ingested_at": placed})
        if rng.random() < 0.3:  # a return of 1–3 lines; some requested again (a second return id)
            for r in range(rng.choice([1, 1, 2])):
                at = _history_time(rng)
                for line in range(1, rng.randint(1, 3) + 1):
                    returns.append({"return_id": f"R-{n}-{r}", "line_no": line, "order_id": oid, "sku": "S",
                                    "qty": 1, "requested_at": at})
                counts[buyer][0] += _inside(at)
        if rng.random() < 0.3:  # refunded, sometimes reported by two sources: one refund of the order
            times = [_history_time(rng) for _ in range(rng.choice([1, 2]))]
            for k, at in enumerate(times):
                events.append({"event_id": f"E-{n}-{k}", "order_id": oid, "event": "refunded",
                               "source": ("platform", "payments")[k], "occurred_at": at, "ingested_at": at})
            counts[buyer][1] += any(_inside(at) for at in times)
        for x in range(rng.choice([0, 0, 1, 2])):
            kind, at = rng.choice([*ACCURACY, "late_shipment"]), _history_time(rng)
            exceptions.append({"exception_id": f"X-{n}-{x}", "order_id": oid, "type": kind, "severity": "high",
                               "status": "open", "detected_at": at, "updated_at": at, "ingested_at": at})
            counts[buyer][2] += kind in ACCURACY and _inside(at)
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    (settings.config_dir / "reconciliation.toml").write_text(CONFIG, encoding="utf-8")
    for table, rows in (("orders", orders), ("order_events", events), ("returns", returns),
                        ("exceptions", exceptions)):
        lake.write(settings.lake_dir, table, rows)
    return orders, {b: c for b, c in counts.items() if b}


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("materialize", [False, True])
def test_buyers_to_watch_equal_the_rows_counted_by_hand(data_dir, seed, materialize):
    settings = Settings(data_dir=data_dir)
    orders, counts = build(settings, seed)
    lo, hi = SCOPE.bounds("Asia/Shanghai")
    in_scope: dict[str, int] = defaultdict(int)
    for o in orders:
        if o["buyer_id"] and o["channel"] == "shopee" and lo <= o["placed_at"] < hi:
            in_scope[o["buyer_id"]] += 1
    expected = sorted(([b, *c, sum(c), in_scope[b]] for b, c in counts.items() if b in in_scope and sum(c) >= 2),
                      key=lambda row: (-row[4], row[0]))
    got = kpis.run(connect(settings, materialize=materialize), "recon_buyers", SCOPE, AS_OF)
    assert len(expected) >= 5  # the seed gives the check something to compare
    assert got[["buyer_id", "returns", "refunds", "complaints", "total", "orders"]].values.tolist() == expected


def test_the_rule_features_count_every_buyer(data_dir):
    """buyer_history (the rules' 90-day features) over every order, whatever its placing or channel."""
    settings = Settings(data_dir=data_dir)
    _, counts = build(settings, 3)
    got = connect(settings).sql(f"select * from buyer_history(timestamptz '{END.isoformat()}', 90) "
                                "order by buyer_id").fetchall()
    assert got == sorted((b, *c) for b, c in counts.items() if any(c))
