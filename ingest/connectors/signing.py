"""Request signatures of the platforms that sign: pure functions, shared by connectors and the sandbox.

Each follows the platform's published string-to-sign; the tests recompute them by hand with `hmac`.

- Shopee Open Platform v2 (open.shopee.com developer guide, "Authorization and authentication" /
  "Signature"): HMAC-SHA256 keyed by the partner key over
  `partner_id + api_path + timestamp + access_token + shop_id`, lower-case hex, sent as `sign`.
- Lazada Open Platform ("Sign the API request", open.lazada.com/apps/doc/doc?nodeId=10450): sort all
  parameters except `sign` by name, concatenate `key + value`, prefix the API path (e.g. `/orders/get`),
  HMAC-SHA256 keyed by the app secret, upper-case hex.
- TikTok Shop Partner API 202309 ("Sign your API request", partner.tiktokshop.com/docv2): take the query
  parameters except `sign` and `access_token`, sort by name, concatenate `key + value`, prefix the path,
  append the JSON body (unless multipart), wrap the whole in the app secret on both sides, HMAC-SHA256
  keyed by the app secret, lower-case hex.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

TIKTOK_UNSIGNED = frozenset({"sign", "access_token"})


def _hmac_hex(key: str, message: str) -> str:
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def shopee_base_string(
    partner_id: str | int, path: str, timestamp: int, access_token: str, shop_id: str | int
) -> str:
    return f"{partner_id}{path}{timestamp}{access_token}{shop_id}"


def shopee_sign(
    partner_key: str, partner_id: str | int, path: str, timestamp: int, access_token: str, shop_id: str | int
) -> str:
    """Shopee v2 shop-level API signature."""
    return _hmac_hex(partner_key, shopee_base_string(partner_id, path, timestamp, access_token, shop_id))


def lazada_base_string(api_path: str, params: Mapping[str, object]) -> str:
    return api_path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")


def lazada_sign(app_secret: str, api_path: str, params: Mapping[str, object]) -> str:
    """Lazada signature over the API path and the sorted parameters; upper-case hex."""
    return _hmac_hex(app_secret, lazada_base_string(api_path, params)).upper()


def tiktok_base_string(app_secret: str, path: str, params: Mapping[str, object], body: str = "") -> str:
    pairs = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in TIKTOK_UNSIGNED)
    return f"{app_secret}{path}{pairs}{body}{app_secret}"


def tiktok_sign(app_secret: str, path: str, params: Mapping[str, object], body: str = "") -> str:
    """TikTok Shop signature; `body` is the exact JSON text sent (empty for GET)."""
    return _hmac_hex(app_secret, tiktok_base_string(app_secret, path, params, body))


def same(a: str, b: str) -> bool:
    """Constant-time comparison, for the sandbox's checks."""
    return hmac.compare_digest(a.encode(), b.encode())
