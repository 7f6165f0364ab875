"""Channel allocation: how much of each SKU's available-to-sell pool each channel may sell. Defined once here.

    alloc = load_allocation(settings)                 # <data>/config/allocation.toml, validated
    shares = split(pool=10, channels=[("shopee", "220001"), ("lazada", "lz")], allocation=alloc, sku="SKN-001")
    listing_quantity([("SKN-001", 2), ("SKN-002", 1)], {"SKN-001": 5, "SKN-002": 3})   # a bundle: 2

The file (docs/stock-push.md):

    [defaults]            # a channel without a rule (default: all = true)
    all = true

    [[share]]
    channel = "shopee"    # a platform code
    shop_id = "220001"    # optional: every shop of the channel when absent
    sku = "SKN-001"       # optional: every SKU when absent
    fixed = 5             # exactly one of: fixed = <units> | percent = <1..100> | all = true

The most specific rule wins (a SKU's rule over an every-SKU rule, a shop's over an every-shop rule). A
SKU's pool is split in this order: fixed shares (min of the units and what is left), then percentages
(rounded down, of the whole pool, capped by what is left), then every `all` channel gets what remains.
Fixed and percentage shares are ring-fenced: they never add up to more than the pool, so those channels
cannot together sell a unit twice. Several `all` channels see the same remainder: the last unit can sell
on two of them at once, which the reservation pass raises as an oversell. Within one channel, a SKU's share
is divided among the listings that sell it (alone and in sets: `divide`), because the platform counts
each listing on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.channels import CHANNELS
from models.config_check import ConfigError, check_keys, read_toml

MODES = ("fixed", "percent", "all")
EVERY = "*"
Key = tuple[str, str]  # (channel, shop_id)


@dataclass(frozen=True)
class Share:
    """One rule: a mode and its value (units for fixed, percent for percent), and what it applies to."""

    mode: str
    value: int = 0
    channel: str = EVERY
    shop_id: str = EVERY
    sku: str = EVERY

    def matches(self, channel: str, shop_id: str, sku: str) -> bool:
        return (self.channel in (EVERY, channel) and self.shop_id in (EVERY, shop_id)
                and self.sku in (EVERY, sku))

    @property
    def specificity(self) -> int:
        return 4 * (self.sku != EVERY) + 2 * (self.shop_id != EVERY) + (self.channel != EVERY)

    def text(self) -> str:
        return {"fixed": f"{self.value} units", "percent": f"{self.value}%", "all": "all available"}[self.mode]


@dataclass(frozen=True)
class Allocation:
    default: Share
    shares: tuple[Share, ...] = ()

    def rule(self, channel: str, shop_id: str, sku: str) -> Share:
        """The most specific matching rule (the first in the file among equals), else the default."""
        found = [s for s in self.shares if s.matches(channel, shop_id, sku)]
        return max(found, key=lambda s: s.specificity, default=None) or self.default


def allocation_path(config_dir: Path) -> Path:
    return config_dir / "allocation.toml"


def load_allocation(config_dir: Path) -> Allocation:
    """The allocation file (every channel `all` when there is none); ConfigError naming file and entry."""
    path = allocation_path(config_dir)
    return parse_allocation(read_toml(path), path)


def parse_allocation(doc: Mapping[str, Any], path: Path | str = "allocation.toml") -> Allocation:
    check_keys(path, "", doc, {"defaults", "share"}, "section")
    defaults = doc.get("defaults", {"all": True})
    check_keys(path, "[defaults]", defaults, MODES)
    default = _share(path, "[defaults]", defaults, {})
    entries = doc.get("share", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'share' must be a list of [[share]] tables")
    shares = []
    for i, entry in enumerate(entries, start=1):
        where = f"[[share]] #{i}:"
        check_keys(path, where, entry, {"channel", "shop_id", "sku", *MODES})
        channel = entry.get("channel")
        if channel not in CHANNELS:
            raise ConfigError(f"{path}: {where} channel {channel!r} is not a platform "
                              f"(one of {', '.join(sorted(CHANNELS))})")
        shares.append(_share(path, where, entry, {k: str(entry[k]) for k in ("channel", "shop_id", "sku")
                                                   if k in entry}))
    _check_percentages(path, shares)
    return Allocation(default, tuple(shares))


def _share(path: Path | str, where: str, entry: Mapping[str, Any], scope: dict[str, str]) -> Share:
    given = [m for m in MODES if m in entry]
    if len(given) != 1:
        raise ConfigError(f"{path}: {where} give exactly one of fixed, percent, all "
                          f"(found: {', '.join(given) or 'none'})")
    mode, value = given[0], entry[given[0]]
    if mode == "fixed" and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        raise ConfigError(f"{path}: {where} fixed = {value!r}: give a whole number of units, 0 or more")
    if mode == "percent" and not (isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 100):
        raise ConfigError(f"{path}: {where} percent = {value!r}: give a number above 0 and at most 100")
    if mode == "all" and value is not True:
        raise ConfigError(f"{path}: {where} all = {value!r}: write all = true (or give fixed or percent)")
    return Share(mode, 0 if mode == "all" else int(value), **scope)


def _check_percentages(path: Path | str, shares: Iterable[Share]) -> None:
    """Percentages for one SKU (or every SKU) may not promise more than the whole pool."""
    totals: dict[str, int] = {}
    for s in shares:
        if s.mode == "percent":
            totals[s.sku] = totals.get(s.sku, 0) + s.value
    over = {sku: t for sku, t in totals.items() if t > 100}
    if over:
        sku, total = next(iter(over.items()))
        name = "every SKU" if sku == EVERY else f"SKU {sku}"
        raise ConfigError(f"{path}: the percentages for {name} add up to {total}% (at most 100%)")


def split(pool: int, channels: Iterable[Key], allocation: Allocation, sku: str) -> dict[Key, int]:
    """One SKU's pool shared out among these (channel, shop) pairs; never a negative share."""
    rules = {key: allocation.rule(*key, sku) for key in sorted(set(channels))}
    whole = max(0, int(pool))
    left, out = whole, {}
    for mode in ("fixed", "percent"):
        for key, rule in rules.items():
            if rule.mode == mode:
                wanted = rule.value if mode == "fixed" else whole * rule.value // 100
                out[key] = min(wanted, left)
                left -= out[key]
    out.update({key: left for key, rule in rules.items() if rule.mode == "all"})
    return out


def listing_quantity(components: Iterable[tuple[str, int]], share: Mapping[str, int]) -> int:
    """What a listing may sell: for a bundle the least, over its SKUs, of whole bundles the share allows."""
    counts = [share.get(sku, 0) // qty for sku, qty in components if qty > 0]
    return max(0, min(counts)) if counts else 0


@dataclass(frozen=True)
class Target:
    """What one listing of one shop may sell now: the quantity to push, and the SKUs behind it."""

    channel: str
    shop_id: str
    listing_id: str  # the seller SKU (sku_map's listing id)
    quantity: int
    skus: str  # "SKN-001×2 + SKN-002×1": what the quantity was worked out from

    @property
    def key(self) -> tuple[str, str, str]:
        return self.channel, self.shop_id, self.listing_id


POOL_SQL = "select sku, available from inventory_pool"
LISTINGS_SQL = "select channel, listing_id, sku, qty from listing_skus order by channel, listing_id, sku"


def divide(share: int, listings: list[str]) -> dict[str, int]:
    """A channel's share of one SKU divided among its listings that sell it (alone, in sets), so that
    together they cannot sell more than the share; the first listings (by id) get the remainder."""
    n = len(listings)
    return {lid: share // n + (i < share % n) for i, lid in enumerate(sorted(listings))}


def listing_targets(con: Any, shops: Iterable[Key], allocation: Allocation) -> list[Target]:
    """Every mapped listing of these (channel, shop) pairs with the quantity its share allows. A listing
    with a SKU that was never counted (not in the pool) is left out: its stock is unknown, not zero."""
    pool = {sku: int(a) for sku, a in con.execute(POOL_SQL).fetchall()}
    listings: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for channel, listing_id, sku, qty in con.execute(LISTINGS_SQL).fetchall():
        listings.setdefault((channel, listing_id), []).append((sku, int(qty)))
    listings = {k: parts for k, parts in listings.items() if all(sku in pool for sku, _ in parts)}
    shops = sorted(set(shops))
    using: dict[tuple[str, str], list[str]] = {}  # (channel, sku) → the channel's listings that sell it
    for (channel, listing_id), parts in listings.items():
        for sku, _ in parts:
            using.setdefault((channel, sku), []).append(listing_id)
    out = []
    for sku in sorted({sku for _, sku in using}):
        keys = [k for k in shops if (k[0], sku) in using]
        for key, share in split(pool[sku], keys, allocation, sku).items():
            for listing_id, part in divide(share, using[(key[0], sku)]).items():
                out.append((key, listing_id, sku, part))
    per_listing: dict[tuple[Key, str], dict[str, int]] = {}
    for key, listing_id, sku, part in out:
        per_listing.setdefault((key, listing_id), {})[sku] = part
    return [Target(key[0], key[1], listing_id, listing_quantity(listings[(key[0], listing_id)], parts),
                   " + ".join(f"{sku}×{qty}" for sku, qty in listings[(key[0], listing_id)]))
            for (key, listing_id), parts in sorted(per_listing.items())]
