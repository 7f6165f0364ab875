"""The stock push end to end over real HTTP: the hub works out each listing's share of the pool and sets it
on all five platforms through their stock APIs (the sandbox's), under 429, 503 and timeouts; every listing
ends with the quantity worked out by hand, recorded once, and nothing is sent again until it changes.

Stock (one warehouse): SKN-001 counted 12, one order reserves 2 → available 10; SKN-002 counted 9 with
safety stock 1 → available 8. Allocation: Shopee a fixed 4, Lazada 40 %, every other channel `all`.
  SKN-001 (10): Shopee min(4, 10) = 4; Lazada 10 × 40 % = 4 (left 2); Shopify, WooCommerce, TikTok: the rest, 2.
  SKN-002 (8): Shopee 4; Lazada 8 × 40 % = 3.2 → 3 (left 1); the others 1.
Each channel sells each SKU in two listings (alone, and in the set SET-SKN-001-002 = SKN-001 × 1 + SKN-002 × 2),
so its share is divided between them, the set (first by id) taking the odd unit:
  Shopee: SKN-001 4 → 2 + 2; SKN-002 4 → 2 + 2; the set min(2 // 1, 2 // 2) = 1.
  Lazada: SKN-001 4 → 2 + 2; SKN-002 3 → set 2 + 1; the set min(2, 2 // 2) = 1.
  Others: SKN-001 2 → 1 + 1; SKN-002 1 → set 1 + 0; the set min(1, 1 // 2) = 0.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import schedule

from ingest.platforms import PLATFORMS
from ingest.scheduler import Runner, build
from ingest.stockpush.pushers import PUSHERS
from ingest.stockpush.run import push_stock
from models import lake
from models.db import connect
from models.inventory.stock import map_listing, record_counts
from models.settings import Settings
from models.stock_push import pushed_recently
from sim.sandbox.market import SHOP_IDS, Clock
from sim.sandbox.server import Sandbox

NOW = datetime(2026, 3, 4, 6, 0, tzinfo=UTC)
BUNDLE = "SET-SKN-001-002"
EXPECTED = {  # platform → seller SKU → quantity, from the docstring
    "shopee": {"SKN-001": 2, "SKN-002": 2, BUNDLE: 1},
    "lazada": {"SKN-001": 2, "SKN-002": 1, BUNDLE: 1},
    **{p: {"SKN-001": 1, "SKN-002": 0, BUNDLE: 0} for p in ("shopify", "woocommerce", "tiktok")},
}
ALLOCATION = '[[share]]\nchannel = "shopee"\nfixed = 4\n\n[[share]]\nchannel = "lazada"\npercent = 40\n'


def write_channels(settings: Settings, url: str, pushing: tuple[str, ...] = tuple(PLATFORMS)) -> None:
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    (settings.config_dir / "channels.toml").write_text("".join(
        f'[[channel]]\nchannel = "{p}"\nshop_id = "{SHOP_IDS[p]}"\nbase_url = "{url}{PLATFORMS[p].sandbox.api_root}"\n'
        f'sandbox = true\nbackoff_base_s = 0.01\nrate_per_s = 1000\ntimeout_s = 1\n'
        f'stock_push = {str(p in pushing).lower()}\n\n' for p in PLATFORMS), encoding="utf-8")


def reserve(settings: Settings, order_id: str, sku: str, qty: int) -> None:
    lake.write(settings.lake_dir, "reservation_events", [{
        "event_id": f"{order_id}-{sku}-reserved", "order_id": order_id, "channel": "shopee", "sku": sku,
        "warehouse": "Suzhou", "qty": qty, "kind": "reserved", "occurred_at": NOW, "recorded_at": NOW}])


def stock_and_map(settings: Settings) -> None:
    record_counts(settings.lake_dir, [
        {"sku": "SKN-001", "warehouse": "Suzhou", "on_hand": 12, "snapshot_at": NOW - timedelta(hours=1)},
        {"sku": "SKN-002", "warehouse": "Suzhou", "on_hand": 9, "safety_stock": 1,
         "snapshot_at": NOW - timedelta(hours=1)}], source="test")
    reserve(settings, "o1", "SKN-001", 2)
    for p in PLATFORMS:
        map_listing(settings.lake_dir, p, "SKN-001", {"SKN-001": 1}, by="test")
        map_listing(settings.lake_dir, p, "SKN-002", {"SKN-002": 1}, by="test")
        map_listing(settings.lake_dir, p, BUNDLE, {"SKN-001": 1, "SKN-002": 2}, by="test")
    (settings.config_dir / "allocation.toml").write_text(ALLOCATION, encoding="utf-8")


def on_platforms(sandbox: Sandbox) -> dict[str, dict[str, int | None]]:
    out: dict[str, dict[str, int | None]] = {}
    for v in sandbox.storefront.listing():
        if v["sku"] in ("SKN-001", "SKN-002", BUNDLE):
            out.setdefault(v["platform"], {})[v["sku"]] = v["quantity"]
    return out


def recorded(settings: Settings) -> list[tuple[str, str, int, str]]:
    db = connect(settings)
    try:
        return sorted(db.con.execute("select channel, listing_id, quantity, outcome from lake_stock_pushes").fetchall())
    finally:
        db.close()


@pytest.fixture
def shop(data_dir):
    sandbox = Sandbox(clock=Clock(NOW), orders_per_platform=2, days=1).start()
    settings = Settings(data_dir=data_dir)
    write_channels(settings, sandbox.url)
    stock_and_map(settings)
    yield sandbox, settings
    sandbox.stop()


def test_every_platform_ends_with_its_share_once_under_faults_and_only_changes_are_sent_again(shop):
    sandbox, settings = shop
    for p in PLATFORMS:  # throttled, down, and (two of them) too slow to answer before the client's timeout
        sandbox.faults.add(p, "429", times=1, after=1, retry_after=0)
        sandbox.faults.add(p, "503", times=1, after=3)
    for p in ("shopify", "tiktok"):  # a timed-out push was applied: the retry sets the same quantity again
        sandbox.faults.add(p, "slow", times=1, after=5, delay_s=1.3)

    summary = push_stock(settings)

    assert on_platforms(sandbox) == EXPECTED
    assert summary.outcomes == {"pushed": 15}
    assert all(sandbox.faults.listing().get(p) in (None, []) for p in PLATFORMS)  # every fault was met
    assert recorded(settings) == sorted((p, sku, q, "pushed") for p, m in EXPECTED.items() for sku, q in m.items())

    again = push_stock(settings)  # nothing changed: nothing is sent
    assert again.attempts == [] and len(recorded(settings)) == 15

    # SKN-002 available 7: Shopee keeps 4; Lazada 7 × 40 % = 2.8 → 2 = set 1 + 1, the set min(2, 1 // 2) = 0;
    # the others get the 1 left, as before
    reserve(settings, "o2", "SKN-002", 1)
    changed = push_stock(settings)
    assert [(a.target.channel, a.target.listing_id, a.quantity, a.outcome) for a in changed.attempts] == [
        ("lazada", BUNDLE, 0, "pushed")]
    assert on_platforms(sandbox)["lazada"][BUNDLE] == 0

    # the platform holds its buyers to what it was told: Shopee may sell 2 of SKN-001, the third is refused
    listing = next(v for v in sandbox.storefront.listings.values() if v.platform == "shopee" and v.sku == "SKN-001")
    bought = [sandbox.storefront.checkout("shopee", listing.listing_id) is not None for _ in range(3)]
    assert bought == [True, True, False]
    assert (listing.quantity, listing.sold, listing.refused) == (0, 2, 1)


def test_a_sale_the_hub_has_not_pulled_is_not_put_back_on_sale(shop):
    sandbox, settings = shop
    push_stock(settings)
    lazada = next(v for v in sandbox.storefront.listings.values() if v.platform == "lazada" and v.sku == "SKN-001")
    assert sandbox.storefront.checkout("lazada", lazada.listing_id) is not None  # 2 → 1; the hub has not pulled it
    # another order takes 2 of SKN-001: pool 8; Shopee 4, Lazada 8 × 40 % = 3.2 → 3 = set 2 + SKN-001 1, the
    # others the 1 left (set 1 + SKN-001 0). Lazada's SKN-001 share fell by 1 (2 → 1) and it sold 1 unseen: 0
    # is left to sell, not the share's 1. The others' SKN-001 goes 1 → 0; the sets stay (Lazada 1, others 0).
    reserve(settings, "o3", "SKN-001", 2)
    summary = push_stock(settings)
    assert on_platforms(sandbox)["lazada"]["SKN-001"] == 0
    assert sorted((a.target.channel, a.target.listing_id, a.target.quantity, a.quantity) for a in summary.attempts) == [
        ("lazada", "SKN-001", 1, 0), ("shopify", "SKN-001", 0, 0), ("tiktok", "SKN-001", 0, 0),
        ("woocommerce", "SKN-001", 0, 0)]
    assert sandbox.storefront.checkout("lazada", lazada.listing_id) is None


def test_dry_run_sends_nothing_and_channels_stay_off_until_enabled(data_dir):
    sandbox = Sandbox(clock=Clock(NOW), orders_per_platform=2, days=1).start()
    try:
        settings = Settings(data_dir=data_dir)
        write_channels(settings, sandbox.url, pushing=("lazada",))
        stock_and_map(settings)
        jobs = build(settings, schedule.Scheduler(), Runner(settings))
        assert "stock_push" in jobs  # `ingest serve` runs it once a channel pushes

        dry = push_stock(settings, dry_run=True)  # every enabled channel, pushing or not
        shown = {(a.target.channel, a.target.listing_id): a.quantity for a in dry.attempts if a.call is not None}
        assert shown == {(p, sku): q for p, m in EXPECTED.items() for sku, q in m.items()}
        lazada = next(a.call for a in dry.attempts if (a.target.channel, a.target.listing_id) == ("lazada", BUNDLE))
        assert lazada.path == "/product/stock/sellable/update" and "<SellableQuantity>1<" in lazada.body["payload"]
        assert all(q is None for m in on_platforms(sandbox).values() for q in m.values())  # nothing was set
        assert not lake.data_files(settings.lake_dir, "stock_pushes")

        push_stock(settings)  # only the enabled channel is told
        assert {p for p, m in on_platforms(sandbox).items() if any(q is not None for q in m.values())} == {"lazada"}
    finally:
        sandbox.stop()


def test_an_unknown_seller_sku_is_refused_once_and_shown(shop):
    _, settings = shop
    map_listing(settings.lake_dir, "woocommerce", "NO-SUCH-SKU", {"SKN-001": 1}, by="test")
    first = push_stock(settings, channel="woocommerce")
    assert first.outcomes == {"pushed": 3, "refused": 1}
    assert push_stock(settings, channel="woocommerce").attempts == []  # refused: not sent again for the same quantity
    db = connect(settings)
    try:
        shown = pushed_recently(db.con)
    finally:
        db.close()
    row = shown[shown["listing_id"] == "NO-SUCH-SKU"].iloc[0]
    assert (row["outcome"], row["target"], row["pushes"]) == ("refused", 1, 0)
    assert "no listing with seller SKU 'NO-SUCH-SKU'" in row["error"]
    assert len(shown) == 4 and set(shown["channel"]) == {"woocommerce"}


def test_every_platform_has_a_stock_pusher():
    assert set(PUSHERS) == set(PLATFORMS)
