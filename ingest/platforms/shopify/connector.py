"""Shopify Admin REST: `GET /admin/api/<version>/orders.json`.

Checked against shopify.dev "Make paginated requests to the REST Admin API" and the Order resource:
cursor pagination through the `Link` header (rel="next" carries `page_info`); a request that carries
`page_info` may only add `limit` (and `fields`), every other filter is fixed by the first request;
`limit` ≤ 250; `status=any` to include closed and cancelled orders; `updated_at_min/max` ISO 8601;
auth header `X-Shopify-Access-Token`; the REST bucket leaks 2 requests/s (429 + `Retry-After` beyond).
Admin API access tokens of a custom app do not expire (until the app is uninstalled): a plain
credential, no refresh (docs/connecting-a-shop.md).
"""

from __future__ import annotations

from datetime import datetime

from ingest.connectors.base import Connector, iso_utc
from ingest.connectors.paginators import LinkHeaderPaginator, Token
from ingest.connectors.stream import Stream
from ingest.http import Response

ORDERS = Stream(
    "shopify.orders",
    "/admin/api/{api_version}/orders.json",
    records_path="orders",
    paginator=lambda size: LinkHeaderPaginator(),
    replication_key="updated_at",
)


class ShopifyConnector(Connector):
    platform = "shopify"
    rate_per_s = 2.0
    max_page_size = 250
    stream = ORDERS
    credential_names = ("access_token",)

    def request_page(self, stream: Stream, start: datetime, end: datetime, token: Token | None) -> Response:
        """The first page carries the window; the next ones only their `page_info` (and `limit`)."""
        params = (
            {
                "status": "any",
                "updated_at_min": iso_utc(start),
                "updated_at_max": iso_utc(end),
                "order": "updated_at asc",
                "limit": self.page_size,
            }
            if token is None
            else {"page_info": token, "limit": self.page_size}
        )
        version = self.cfg.options.get("api_version", "2024-10")
        return self.client.get_json(
            stream.method,
            self.base_url + stream.path.format(api_version=version),
            params=params,
            headers={"X-Shopify-Access-Token": self.creds["access_token"]},
        )
