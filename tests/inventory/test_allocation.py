"""Channel allocation shares and their configuration, each figure worked out by hand in the comments."""

from __future__ import annotations

import pytest

from models.allocation import Allocation, Share, divide, listing_quantity, parse_allocation, split
from models.config_check import ConfigError

SHOPS = [("shopee", "s1"), ("lazada", "l1"), ("tiktok", "t1"), ("shopify", "y1")]


def test_fixed_then_percent_then_all_share_the_rest():
    alloc = parse_allocation({"share": [{"channel": "shopee", "fixed": 3}, {"channel": "lazada", "percent": 25}]})
    # pool 10: Shopee 3; Lazada 10 × 25 % = 2.5 → 2; 10 − 3 − 2 = 5 left, seen by both `all` channels
    assert split(10, SHOPS, alloc, "A") == {("shopee", "s1"): 3, ("lazada", "l1"): 2, ("tiktok", "t1"): 5,
                                            ("shopify", "y1"): 5}
    # pool 4: Shopee 3; Lazada 4 × 25 % = 1 (≤ the 1 left); nothing left for the others
    assert split(4, SHOPS, alloc, "A") == {("shopee", "s1"): 3, ("lazada", "l1"): 1, ("tiktok", "t1"): 0,
                                           ("shopify", "y1"): 0}
    # pool 2: Shopee min(3, 2) = 2; Lazada 2 × 25 % = 0.5 → 0; a negative pool (oversold) is 0 for all
    assert split(2, SHOPS, alloc, "A")[("shopee", "s1")] == 2
    assert set(split(-3, SHOPS, alloc, "A").values()) == {0}


def test_the_most_specific_rule_wins():
    alloc = parse_allocation({"defaults": {"fixed": 1}, "share": [
        {"channel": "shopee", "percent": 50},
        {"channel": "shopee", "sku": "B", "fixed": 4},
        {"channel": "shopee", "shop_id": "s2", "all": True}]})
    assert alloc.rule("shopee", "s1", "A") == Share("percent", 50, "shopee")
    assert alloc.rule("shopee", "s1", "B").value == 4  # a SKU's rule beats the channel's
    assert alloc.rule("shopee", "s2", "A").mode == "all"  # a shop's rule beats every-shop
    assert alloc.rule("shopee", "s2", "B").value == 4  # the SKU's rule beats the shop's
    assert alloc.rule("lazada", "l1", "A") == Share("fixed", 1)  # the default
    assert Allocation(Share("all")).rule("x", "y", "z").mode == "all"


def test_a_bundle_sells_the_least_whole_sets_its_components_allow():
    # components A × 2 (share 7 → 3 sets) and B × 1 (share 5 → 5 sets): 3
    assert listing_quantity([("A", 2), ("B", 1)], {"A": 7, "B": 5}) == 3
    assert listing_quantity([("A", 2), ("B", 1)], {"A": 7}) == 0  # B has no share
    # a share of 5 over three listings: 2, 2, 1 (in id order)
    assert divide(5, ["L3", "L1", "L2"]) == {"L1": 2, "L2": 2, "L3": 1}


@pytest.mark.parametrize(("doc", "message"), [
    ({"share": [{"channel": "shopee", "fixed": 2, "percent": 10}]}, "#1: give exactly one of fixed, percent, all "
                                                                    "(found: fixed, percent)"),
    ({"share": [{"channel": "shopee"}]}, "(found: none)"),
    ({"share": [{"channel": "shopee", "fixed": -1}]}, "fixed = -1: give a whole number of units, 0 or more"),
    ({"share": [{"channel": "shopee", "percent": 120}]}, "percent = 120: give a number above 0 and at most 100"),
    ({"share": [{"channel": "shopee", "all": False}]}, "all = False: write all = true"),
    ({"share": [{"channel": "ebay", "all": True}]}, "channel 'ebay' is not a platform"),
    ({"share": [{"channel": "shopee", "fixd": 2}]}, "'fixd' is not a known key; did you mean 'fixed'?"),
    ({"share": [{"channel": "shopee", "percent": 60}, {"channel": "lazada", "percent": 50}]},
     "the percentages for every SKU add up to 110%"),
])
def test_configuration_errors_say_what_and_where(doc, message):
    with pytest.raises(ConfigError) as err:
        parse_allocation(doc, "data/config/allocation.toml")
    assert message in str(err.value) and "data/config/allocation.toml" in str(err.value)
