"""Shopify Admin REST: `GET /admin/api/<version>/orders.json`.

Checked against shopify.dev "Make paginated requests to the REST Admin API" and the Order resource:
cursor pagination through the `Link` header (rel="next" carries `page_info`); a request that carries
`page_info` may only add `limit` (and `fields`), every other filter is fixed by the first request;
`limit` ≤ 250; `status=any` to include closed and cancelled orders; `updated_at_min/max` ISO 8601;
auth header `X-Shopify-Access-Token`; the REST bucket leaks 2 requests/s (429 + `Retry-After` beyond).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import requests

from ingest.connectors.base import Connector, Page, iso_utc
from ingest.connectors.paginators import LinkHeaderPaginator, Token


class ShopifyConnector(Connector):
    platform = "shopify"
    rate_per_s = 2.0
    max_page_size = 250
    credential_names = ("access_token",)

    @property
    def url(self) -> str:
        version = self.cfg.options.get("api_version", "2024-10")
        return f"{self.base_url}/admin/api/{version}/orders.json"

    def fetch_window(self, start: datetime, end: datetime) -> Iterator[Page]:
        first = {
            "status": "any",
            "updated_at_min": iso_utc(start),
            "updated_at_max": iso_utc(end),
            "order": "updated_at asc",
            "limit": self.page_size,
        }

        def send(token: Token | None) -> tuple[Any, requests.Response]:
            params = first if token is None else {"page_info": token, "limit": self.page_size}
            return self.client.get_json(
                "GET", self.url, params=params, headers={"X-Shopify-Access-Token": self.creds["access_token"]}
            )

        for records, _ in self.paginate(
            LinkHeaderPaginator(), send, lambda body: list(body.get("orders", []))
        ):
            yield Page(records, "shopify.orders")
