"""Signatures (each platform's `connector.sign_request`) recomputed by hand from each platform's
documented string-to-sign, with `hmac` directly."""

from __future__ import annotations

import hashlib
import hmac

from ingest.platforms.lazada.connector import sign_request as lazada_sign
from ingest.platforms.shopee.connector import sign_request as shopee_sign
from ingest.platforms.tiktok.connector import sign_request as tiktok_sign


def _hex(key: str, msg: str) -> str:
    return hmac.new(key.encode(), msg.encode(), hashlib.sha256).hexdigest()


def test_shopee_signs_partner_path_timestamp_token_shop() -> None:
    # string-to-sign: partner_id + api path + timestamp + access_token + shop_id, keyed by the partner key
    expected = _hex("pk", "2000001/api/v2/order/get_order_list1700000000tok220001")
    got = shopee_sign("pk", 2000001, "/api/v2/order/get_order_list", 1700000000, "tok", 220001)
    assert got == expected
    assert got == got.lower() and len(got) == 64


def test_lazada_signs_path_and_sorted_params_upper_hex() -> None:
    params = {
        "timestamp": 1700000000000,
        "app_key": "100001",
        "sign_method": "sha256",
        "access_token": "t",
        "offset": 0,
        "limit": 100,
    }
    message = (
        "/orders/get"
        + "access_tokent"
        + "app_key100001"
        + "limit100"
        + "offset0"
        + "sign_methodsha256"
        + "timestamp1700000000000"
    )
    assert lazada_sign("sec", "/orders/get", params) == _hex("sec", message).upper()
    # the sign parameter itself never takes part
    assert lazada_sign("sec", "/orders/get", {**params, "sign": "X"}) == _hex("sec", message).upper()


def test_tiktok_wraps_path_params_body_in_secret_and_skips_token_and_sign() -> None:
    params = {
        "timestamp": 1700000000,
        "app_key": "k",
        "shop_cipher": "C",
        "page_size": 50,
        "access_token": "never-signed",
        "sign": "never-signed",
    }
    body = '{"update_time_ge":1,"update_time_lt":2}'
    message = (
        "s"
        + "/order/202309/orders/search"
        + "app_keyk"
        + "page_size50"
        + "shop_cipherC"
        + "timestamp1700000000"
        + body
        + "s"
    )
    assert tiktok_sign("s", "/order/202309/orders/search", params, body) == _hex("s", message)


def test_signatures_change_with_any_input() -> None:
    base = tiktok_sign("s", "/p", {"a": 1}, "{}")
    assert base != tiktok_sign("s", "/p", {"a": 2}, "{}")
    assert base != tiktok_sign("s", "/p", {"a": 1}, '{"x":1}')
    assert base != tiktok_sign("t", "/p", {"a": 1}, "{}")
