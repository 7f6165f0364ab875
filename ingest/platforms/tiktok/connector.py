"""TikTok Shop Partner API 202309: `POST /order/202309/orders/search`.

Checked against partner.tiktokshop.com docv2 ("Get Order List", "Sign your API request", "Upgrading to
API version 202309") and client code calling it: query `app_key, timestamp (s), shop_cipher, page_size
(≤ 100), page_token, sort_field, sort_order, sign`; the access token in the `x-tts-access-token` header;
the time filter in the JSON body (`update_time_ge` / `update_time_lt`, epoch seconds); the reply
`{"code": 0, "message", "data": {"orders", "next_page_token", "total_count"}, "request_id"}`; throttling
as HTTP 429 or code 36009002. The body is serialized once and the same text is signed and sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
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
        body = {"tracking_number": s.tracking_no, "shipping_provider_id": s.carrier or ""}
        path = MARK_SHIPPED.format(order_id=s.platform_order_id)
        if send:
            text = json.dumps(body, separators=(",", ":"))
            self.send(lambda: self.call("POST", path, {}, text))
        return Call("POST", path, body)
