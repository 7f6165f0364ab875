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
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import requests

from ingest.connectors.base import Connector, Page, epoch, throttled
from ingest.connectors.paginators import CursorPaginator, Token
from ingest.connectors.signing import tiktok_sign
from ingest.http import FatalError

SEARCH_PATH = "/order/202309/orders/search"
THROTTLED = 36009002


class TikTokConnector(Connector):
    platform = "tiktok"
    rate_per_s = 10.0
    max_page_size = 100
    credential_names = ("app_key", "app_secret", "access_token", "shop_cipher")

    def check(self, resp: requests.Response) -> None:
        body = resp.parsed  # type: ignore[attr-defined]
        code = body.get("code") if isinstance(body, dict) else "not_an_object"
        if code == 0:
            if not isinstance(body.get("data"), dict):
                raise FatalError(f"{self.cfg.key}: tiktok reply without a 'data' object")
            return
        message = self.client.redactor.text(f"{self.cfg.key}: tiktok {code}: {body.get('message', '')}")
        if code == THROTTLED:
            raise throttled(message, resp)
        raise FatalError(message)

    def fetch_window(self, start: datetime, end: datetime) -> Iterator[Page]:
        body_text = json.dumps(
            {"update_time_ge": epoch(start), "update_time_lt": epoch(end)}, separators=(",", ":")
        )

        def send(token: Token | None) -> tuple[Any, requests.Response]:
            c = self.creds
            params: dict[str, Any] = {
                "app_key": c["app_key"],
                "timestamp": int(self.wall_clock()),
                "shop_cipher": c["shop_cipher"],
                "page_size": self.page_size,
                "sort_field": "update_time",
                "sort_order": "ASC",
            }
            if token:
                params["page_token"] = token
            params["sign"] = tiktok_sign(c["app_secret"], SEARCH_PATH, params, body_text)
            self.client.redactor.add(params["sign"])
            return self.client.get_json(
                "POST",
                self.base_url + SEARCH_PATH,
                params=params,
                data=body_text,
                headers={"x-tts-access-token": c["access_token"], "Content-Type": "application/json"},
                check=self.check,
            )

        paginator = CursorPaginator(cursor=lambda b: b["data"].get("next_page_token") or None)
        for orders, _ in self.paginate(paginator, send, lambda b: list(b["data"].get("orders") or [])):
            yield Page(orders, "tiktok.orders.search")
