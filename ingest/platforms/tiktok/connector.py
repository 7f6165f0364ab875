"""TikTok Shop Partner API 202309: `POST /order/202309/orders/search`.

Checked against partner.tiktokshop.com docv2 ("Get Order List", "Sign your API request", "Upgrading to
API version 202309") and client code calling it: query `app_key, timestamp (s), shop_cipher, page_size
(≤ 100), page_token, sort_field, sort_order, sign`; the access token in the `x-tts-access-token` header;
the time filter in the JSON body (`update_time_ge` / `update_time_lt`, epoch seconds); the reply
`{"code": 0, "message", "data": {"orders", "next_page_token", "total_count"}, "request_id"}`; throttling
as HTTP 429 or code 36009002. The body is serialized once and the same text is signed and sent.
The tracking write-back reads the order (Get Order Detail), its delivery option's shipping providers (kept a
few hours), then marks the package shipped with TikTok's id of the carrier.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ingest.connectors.base import Connector, epoch, throttled
from ingest.connectors.paginators import CursorPaginator, Token
from ingest.connectors.signing import hmac_hex
from ingest.connectors.stream import Stream
from ingest.http import FatalError, Response
from ingest.platforms.tiktok.auth import TikTokAuth
from ingest.writeback.shipment import Call, Shipment

SEARCH = Stream(
    "tiktok.orders.search",
    "/order/202309/orders/search",
    records_path="data.orders",
    paginator=lambda size: CursorPaginator(cursor=lambda b: b["data"].get("next_page_token") or None),
    replication_key="update_time",
    method="POST",
)
# "Mark package as shipped" (partner.tiktokshop.com, Fulfillment API 202309): a seller-shipped order's
# package with the tracking number and the shipping provider.
MARK_SHIPPED = "/fulfillment/202309/orders/{order_id}/packages"
# "Get Order Detail" (Order API 202309): `ids` (comma-separated, at most 50) → `data.orders`; an order names
# the buyer's `delivery_option_id`, whose shipping providers the package must be marked with.
ORDER_DETAIL = "/order/202309/orders"
THROTTLED = 36009002
UNSIGNED = frozenset({"sign", "access_token"})


def base_string(app_secret: str, path: str, params: Mapping[str, object], body: str = "") -> str:
    pairs = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in UNSIGNED)
    return f"{app_secret}{path}{pairs}{body}{app_secret}"


def sign_request(app_secret: str, path: str, params: Mapping[str, object], body: str = "") -> str:
    """"Sign your API request" (partner.tiktokshop.com): the query parameters but `sign` and
    `access_token`, sorted, as `key + value` after the path, then the exact JSON body sent (empty for GET),
    wrapped in the app secret on both sides; HMAC-SHA256 keyed by the app secret, lower-case hex."""
    return hmac_hex(app_secret, base_string(app_secret, path, params, body))


# -- shipping provider ids -------------------------------------------------------------------------
# "Mark package as shipped" wants TikTok's id of the carrier, not a name. The list comes from
# `GET /logistics/202309/delivery_options/{delivery_option_id}/shipping_providers` (partner.tiktokshop.com
# "Get Shipping Providers"; reply `data.shipping_providers[{id, name}]`), per delivery option the order
# carries (`delivery_option_id` of Get Order Detail). It changes rarely, so it is kept per delivery option
# for a few hours: one `ingest serve` process asks again only after that. A carrier the list does not name
# is refused, never guessed: a wrong provider makes the buyer's tracking link wrong.
PROVIDERS = "/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers"
TTL_S = 6 * 3600.0


def name_key(name: str) -> str:
    """Names compared without case or spaces: the hub's "J&T" is TikTok's "J & T", "Ninja Van" "NinjaVan"."""
    return "".join(name.split()).casefold()


def by_name(listed: list[dict]) -> dict[str, tuple[str, str]]:
    """name key → (provider id, name as TikTok spells it), from `data.shipping_providers`."""
    return {name_key(str(p["name"])): (str(p["id"]), str(p["name"])) for p in listed
            if isinstance(p, dict) and p.get("id") not in (None, "") and p.get("name")}


def provider_id(providers: dict[str, tuple[str, str]], carrier: str | None, option: str) -> str:
    """TikTok's id for the hub's carrier in this delivery option; FatalError (a refusal) when it has none."""
    found = providers.get(name_key(carrier or ""))
    if found is None:
        offered = ", ".join(sorted(name for _, name in providers.values())) or "none"
        raise FatalError(f"tiktok: carrier {carrier or '(none)'!r} is not a shipping provider of delivery option "
                         f"{option}; it offers: {offered}. Name the carrier as one of these.")
    return found[0]


class ProviderCache:
    """Provider lists by (shop, delivery option), each kept `ttl_s` seconds; thread-safe."""

    def __init__(self, ttl_s: float = TTL_S):
        self.ttl_s, self._lock = ttl_s, threading.Lock()
        self._kept: dict[tuple[str, ...], tuple[float, dict[str, tuple[str, str]]]] = {}

    def get(self, key: tuple[str, ...], now: float, load: Callable[[], dict[str, tuple[str, str]]]
            ) -> dict[str, tuple[str, str]]:
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.ttl_s:
            return kept[1]
        fresh = load()
        with self._lock:
            self._kept[key] = (now, fresh)
        return fresh

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


CACHE = ProviderCache()


class TikTokConnector(Connector):
    platform = "tiktok"
    rate_per_s = 10.0
    max_page_size = 100
    stream = SEARCH
    credential_names = ("app_key", "app_secret", "access_token", "shop_cipher")
    auth_class = TikTokAuth  # tokens expire: ./auth.py refreshes them
    token_errors = ("105001", "105002")

    def check(self, resp: Response) -> None:
        body = resp.body
        code = body.get("code") if isinstance(body, dict) else "not_an_object"
        if code == 0:
            if not isinstance(body.get("data"), dict):
                raise FatalError(f"{self.cfg.key}: tiktok reply without a 'data' object")
            return
        message = self.client.redactor.text(f"{self.cfg.key}: tiktok {code}: {body.get('message', '')}")
        if code == THROTTLED:
            raise throttled(message, resp)
        raise FatalError(message)

    def request_page(self, stream: Stream, start: datetime, end: datetime, token: Token | None) -> Response:
        """The window goes in the JSON body, serialized once: the same text is signed and sent."""
        body_text = json.dumps(
            {"update_time_ge": epoch(start), "update_time_lt": epoch(end)}, separators=(",", ":")
        )
        params: dict[str, Any] = {"page_size": self.page_size, "sort_field": "update_time", "sort_order": "ASC"}
        if token:
            params["page_token"] = token
        return self.call(stream.method, stream.path, params, body_text)

    def call(self, method: str, path: str, extra: dict[str, Any], body_text: str) -> Response:
        """Signed over the query, the path and the exact body text sent."""
        c = self.creds
        params = {"app_key": c["app_key"], "timestamp": int(self.wall_clock()), "shop_cipher": c["shop_cipher"],
                  **extra}
        params["sign"] = sign_request(c["app_secret"], path, params, body_text)
        self.client.redactor.add(params["sign"])
        headers = {"x-tts-access-token": c["access_token"], "Content-Type": "application/json"}
        return self.client.get_json(method, self.base_url + path, params=params, data=body_text, headers=headers,
                                    check=self.check)

    def confirm_shipment(self, s: Shipment, send: bool = True) -> Call:
        """The package marked shipped with TikTok's id of the carrier in the order's delivery option (read
        first: the order detail, then the option's providers, kept a few hours); an unknown carrier is refused."""
        option = self.delivery_option(s.platform_order_id)
        body = {"tracking_number": s.tracking_no,
                "shipping_provider_id": provider_id(self.providers(option), s.carrier, option)}
        path = MARK_SHIPPED.format(order_id=s.platform_order_id)
        if send:
            text = json.dumps(body, separators=(",", ":"))
            self.send(lambda: self.call("POST", path, {}, text))
        return Call("POST", path, body)

    def delivery_option(self, platform_order_id: str) -> str:
        """The delivery option the buyer chose, from Get Order Detail."""
        reply = self.send(lambda: self.call("GET", ORDER_DETAIL, {"ids": platform_order_id}, ""))
        order = next((o for o in reply.body["data"].get("orders") or [] if str(o.get("id")) == platform_order_id),
                     None)
        if order is None or not order.get("delivery_option_id"):
            raise FatalError(f"{self.cfg.key}: tiktok order {platform_order_id} not found or without a delivery option")
        return str(order["delivery_option_id"])

    def providers(self, option: str) -> dict[str, tuple[str, str]]:
        """The option's shipping providers by name key, from the shared cache or the platform."""
        def load() -> dict[str, tuple[str, str]]:
            path = PROVIDERS.format(delivery_option_id=option)
            reply = self.send(lambda: self.call("GET", path, {}, ""))
            return by_name(reply.body["data"].get("shipping_providers") or [])

        key = (self.base_url, self.creds["shop_cipher"], option)
        return CACHE.get(key, self.wall_clock(), load)
