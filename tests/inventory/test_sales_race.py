"""A sales race: buyers on three platforms at once go for 11 units, the hub pulls, reserves and pushes in a
loop, and no unit is sold beyond stock.

Stock: SKN-001 6 and SKN-002 5 at one warehouse. Shopee, Lazada and Shopify each sell SKN-001, SKN-002 and
the set SET-SKN-001-002 (SKN-001 × 1 + SKN-002 × 2). Allocation: Shopee a fixed 2, Lazada 40 %, Shopify the
rest. Each round, 12 checkouts race over real HTTP from 6 threads, the hub pulls each platform (ingest
reserves each batch: inventory-core's reservation pass), 33 more checkouts race (sales the hub has not
seen when it pushes, as between any pull and push), and the hub pushes the new shares: 45 a round,
hundreds a minute. Setting each listing to its share again would put those unseen sales back on sale. The truth
is the sandbox's: units its platforms let buyers take, each set counted as its components.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from ingest.config import load_channels
from ingest.pipeline import run_channel
from ingest.stockpush.run import push_stock
from models.inventory.stock import map_listing, record_counts
from models.settings import Settings
from sim.sandbox.server import Sandbox
from tests.inventory.shop import query
from tests.inventory.test_stock_push import BUNDLE, write_channels

RACING = ("shopee", "lazada", "shopify")
STOCK = {"SKN-001": 6, "SKN-002": 5}
SETS = {"SKN-001": {"SKN-001": 1}, "SKN-002": {"SKN-002": 1}, BUNDLE: {"SKN-001": 1, "SKN-002": 2}}
ALLOCATION = '[[share]]\nchannel = "shopee"\nfixed = 2\n\n[[share]]\nchannel = "lazada"\npercent = 40\n'


def burst(sandbox: Sandbox, rng: random.Random, n: int) -> None:
    """n buyers at once, each ordering 1 (sometimes 2) of a random listing on a random racing platform."""
    listings = [(v.platform, v.listing_id) for v in sandbox.storefront.listings.values()
                if v.platform in RACING and v.sku in SETS]
    picks = [(*rng.choice(listings), rng.choice((1, 1, 1, 2))) for _ in range(n)]

    def buy(pick: tuple[str, str, int]) -> int:
        channel, listing_id, qty = pick
        return requests.post(f"{sandbox.url}/_sandbox/checkout", timeout=10,
                             json={"channel": channel, "listing_id": listing_id, "qty": qty}).status_code

    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(buy, picks)) <= {200, 409}


def sold_units(sandbox: Sandbox) -> dict[str, int]:
    """Units of each SKU the platforms let buyers take (a set counts as its components)."""
    out = dict.fromkeys(STOCK, 0)
    for v in sandbox.storefront.listings.values():
        for sku, qty in SETS.get(v.sku, {}).items():
            out[sku] += v.sold * qty
    return out


def test_a_sales_race_on_three_platforms_sells_no_unit_beyond_stock(data_dir):
    sandbox = Sandbox(orders_per_platform=1, days=1).start()  # the clock runs: orders are placed "now"
    try:
        settings = Settings(data_dir=data_dir)
        write_channels(settings, sandbox.url, pushing=RACING)
        (settings.config_dir / "allocation.toml").write_text(ALLOCATION, encoding="utf-8")
        # Lazada's orders carry no payment time (its API has none): they reserve on placing
        (settings.config_dir / "inventory.toml").write_text('[channels.lazada]\nreserve_on = "placed"\n',
                                                            encoding="utf-8")
        record_counts(settings.lake_dir, [{"sku": sku, "warehouse": "Suzhou", "on_hand": n,
                                           "snapshot_at": sandbox.clock.now()} for sku, n in STOCK.items()],
                      source="test")
        for channel in RACING:
            for listing, parts in SETS.items():
                map_listing(settings.lake_dir, channel, listing, parts, by="test")
        channels = [c for c in load_channels(settings) if c.channel in RACING]
        rng, attempts = random.Random(15), 0
        push_stock(settings)
        for _ in range(4):
            burst(sandbox, rng, 12)
            for cfg in channels:
                assert run_channel(cfg, settings, now=sandbox.clock.now).outcome == "ok"
            burst(sandbox, rng, 33)  # buyers do not wait for the hub: sales it has not pulled when it pushes
            attempts += 45
            push_stock(settings)
            shelf = sandbox.storefront.listings.values()
            if all(v.quantity == 0 for v in shelf if v.platform in RACING and v.sku in SETS):
                break

        time.sleep(1.1)  # the last second's orders: a pull's window ends at the current second
        for cfg in channels:
            run_channel(cfg, settings, now=sandbox.clock.now)
        sold = sold_units(sandbox)
        assert all(sold[sku] <= STOCK[sku] for sku in STOCK), sold  # not one unit beyond stock
        assert sum(sold.values()) >= 8  # the race sold (nearly) everything: shares round down
        assert sum(v.refused for v in sandbox.storefront.listings.values()) > 0  # and the platforms turned buyers away
        assert {v.platform for v in sandbox.storefront.listings.values() if v.sold} == set(RACING)
        # the hub saw every sale: its reservations are the platforms' sales, and no oversell was raised
        held = dict(query(settings, "select sku, sum(qty) from reservation_state where state = 'reserved' "
                                    "group by sku"))
        assert held == {sku: n for sku, n in sold.items() if n}
        assert query(settings, "select count(*) from exceptions where type = 'oversell'") == [(0,)]
        assert attempts >= 90  # 45 a round, several rounds a minute
    finally:
        sandbox.stop()
