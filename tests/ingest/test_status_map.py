"""The shipped status map: complete for each platform's documented vocabulary, and validated on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.normalize.status_map import SHIPPED_CONFIG_DIR, StatusMapError, load_status_map, parse_status_map
from ingest.platforms import PLATFORMS
from models import lifecycle

DOCUMENTED = {
    "shopee": [
        "UNPAID",
        "READY_TO_SHIP",
        "PROCESSED",
        "SHIPPED",
        "TO_CONFIRM_RECEIVE",
        "COMPLETED",
        "IN_CANCEL",
        "CANCELLED",
        "INVOICE_PENDING",
        "TO_RETURN",
        "RETRY_SHIP",
        "PENDING",
    ],
    "tiktok": [
        "UNPAID",
        "ON_HOLD",
        "AWAITING_SHIPMENT",
        "PARTIALLY_SHIPPING",
        "AWAITING_COLLECTION",
        "IN_TRANSIT",
        "DELIVERED",
        "COMPLETED",
        "CANCELLED",
    ],
    "woocommerce": [
        "pending",
        "processing",
        "on-hold",
        "completed",
        "cancelled",
        "refunded",
        "failed",
        "trash",
    ],
    "lazada": [
        "unpaid",
        "pending",
        "packed",
        "ready_to_ship",
        "shipped",
        "delivered",
        "failed_delivery",
        "returned",
        "canceled",
        "lost_by_3pl",
        "damaged_by_3pl",
        "topack",
        "toship",
        "confirmed",
    ],
    "shopify": [
        "pending",
        "authorized",
        "partially_paid",
        "paid",
        "partially_refunded",
        "refunded",
        "voided",
        "fulfilled",
        "partial",
        "restocked",
    ],
    "tmall": [
        "WAIT_BUYER_PAY",
        "WAIT_SELLER_SEND_GOODS",
        "WAIT_BUYER_CONFIRM_GOODS",
        "TRADE_FINISHED",
        "TRADE_CLOSED",
        "TRADE_CLOSED_BY_TAOBAO",
    ],
    "jd": ["WAIT_SELLER_STOCK_OUT", "WAIT_GOODS_RECEIVE_CONFIRM", "FINISHED_L", "TRADE_CANCELED", "LOCKED"],
    "douyin": ["1", "105", "2", "101", "3", "4", "5"],
}


@pytest.fixture(scope="module")
def smap():
    return load_status_map(SHIPPED_CONFIG_DIR)


@pytest.mark.parametrize("platform", sorted(DOCUMENTED))
def test_every_documented_status_is_mapped(smap, platform):
    missing = [s for s in DOCUMENTED[platform] if smap.lookup(platform, s) is None]
    assert missing == []


def test_chinese_and_english_export_words(smap):
    assert smap.lookup("tmall", "已付款") == "to_ship"
    assert smap.lookup("jd", "待发货") == "to_ship"
    assert smap.lookup("anything", "Payment Received") == "to_ship"
    assert smap.lookup("shopee", "  payment   received ") == "to_ship"  # case and spaces ignored
    assert smap.lookup("shopee", "NOT_A_STATUS") is None


def test_every_target_is_canonical(smap):
    for table in smap.sections.values():
        assert set(table.values()) <= set(lifecycle.STATUSES)


def test_each_platforms_declared_statuses_map_back_to_their_stage(smap):
    for code, declared in PLATFORMS.items():
        for stage, raw in declared.statuses.items():
            assert smap.lookup(code, raw) == stage, (code, raw)


def test_bad_target_names_file_platform_and_status(tmp_path: Path):
    (tmp_path / "status_map.toml").write_text('[shopee]\nUNPAID = "awaiting_money"\n', encoding="utf-8")
    with pytest.raises(StatusMapError) as err:
        load_status_map(tmp_path)
    message = str(err.value)
    assert "status_map.toml" in message and "[shopee]" in message and "'UNPAID'" in message
    assert "'awaiting_money'" in message


def test_unreadable_and_malformed_files(tmp_path: Path):
    with pytest.raises(StatusMapError, match="cannot read"):
        load_status_map(tmp_path)
    (tmp_path / "status_map.toml").write_text("shopee = 3\n", encoding="utf-8")
    with pytest.raises(StatusMapError, match="must be a table"):
        load_status_map(tmp_path)


def test_remembered_answers_stay_per_platform():
    smap = parse_status_map({"shopee": {"READY_TO_SHIP": "to_ship"}, "common": {"待发货": "to_ship"}}, "t")
    for _ in range(2):  # the second round is answered from what the map remembers
        assert smap.lookup("shopee", "ready_to_ship") == "to_ship"
        assert smap.lookup("lazada", "ready_to_ship") is None
        assert smap.lookup("lazada", " 待发货 ") == "to_ship"
        assert smap.lookup("shopee", None) is None
