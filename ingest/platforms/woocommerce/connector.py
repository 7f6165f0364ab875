"""WooCommerce REST v3: `GET /wp-json/wc/v3/orders`.

Checked against woocommerce.github.io/woocommerce-rest-api-docs ("List all orders") and Airbyte's
WooCommerce connector: `modified_after`/`modified_before` with `dates_are_gmt=true` for a UTC window,
`page`/`per_page` (≤ 100) with the page count in the `X-WP-TotalPages` header, HTTP Basic auth with the
consumer key and secret (over HTTPS), errors as `{"code", "message", "data": {"status"}}` with a
matching HTTP status. Sorted by `modified` ascending so a page boundary moves forward in time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import requests

from ingest.connectors.base import Connector, Page, iso_utc
from ingest.connectors.paginators import PageNumberPaginator, Token
from ingest.http import FatalError


class WooCommerceConnector(Connector):
    platform = "woocommerce"
    rate_per_s = 5.0
    max_page_size = 100
    credential_names = ("consumer_key", "consumer_secret")

    def fetch_window(self, start: datetime, end: datetime) -> Iterator[Page]:
        url = f"{self.base_url}/wp-json/wc/v3/orders"
        auth = (self.creds["consumer_key"], self.creds["consumer_secret"])

        def send(token: Token | None) -> tuple[Any, requests.Response]:
            params = {
                "modified_after": iso_utc(start),
                "modified_before": iso_utc(end),
                "dates_are_gmt": "true",
                "orderby": "modified",
                "order": "asc",
                "per_page": self.page_size,
                "page": token or 1,
            }
            return self.client.get_json("GET", url, params=params, auth=auth)

        def records(body: Any) -> list[dict]:
            if not isinstance(body, list):
                raise FatalError(f"{self.cfg.key}: orders response is not a JSON list: {str(body)[:120]!r}")
            return body

        for page, _ in self.paginate(PageNumberPaginator(), send, records):
            yield Page(page, "woocommerce.orders")
