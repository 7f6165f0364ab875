"""WooCommerce REST v3: `GET /wp-json/wc/v3/orders`.

Checked against woocommerce.github.io/woocommerce-rest-api-docs ("List all orders") and Airbyte's
WooCommerce connector: `modified_after`/`modified_before` with `dates_are_gmt=true` for a UTC window,
`page`/`per_page` (≤ 100) with the page count in the `X-WP-TotalPages` header, HTTP Basic auth with the
consumer key and secret (over HTTPS), errors as `{"code", "message", "data": {"status"}}` with a
matching HTTP status. Sorted by `modified` ascending so a page boundary moves forward in time.
Consumer keys do not expire (until revoked in WooCommerce): a plain credential, no refresh
(docs/connecting-a-shop.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ingest.connectors.base import Connector, iso_utc
from ingest.connectors.paginators import PageNumberPaginator, Token
from ingest.connectors.stream import Stream
from ingest.http import Response
from ingest.writeback.shipment import Call, Shipment

ORDERS = Stream(
    "woocommerce.orders",
    "/wp-json/wc/v3/orders",
    records_path="",  # the reply is the JSON list of orders
    paginator=lambda size: PageNumberPaginator(),
    replication_key="date_modified_gmt",
)


class WooCommerceConnector(Connector):
    platform = "woocommerce"
    rate_per_s = 5.0
    max_page_size = 100
    stream = ORDERS
    credential_names = ("consumer_key", "consumer_secret")

    def request_page(self, stream: Stream, start: datetime, end: datetime, token: Token | None) -> Response:
        params = {  # "after" may exclude its own second: start one second early (the run dedups overlaps)
            "modified_after": iso_utc(start - timedelta(seconds=1)),
            "modified_before": iso_utc(end),
            "dates_are_gmt": "true",
            "orderby": "modified",
            "order": "asc",
            "per_page": self.page_size,
            "page": token or 1,
        }
        return self.client.get_json(stream.method, self.base_url + stream.path, params=params, auth=self.auth())

    def auth(self) -> tuple[str, str]:
        return self.creds["consumer_key"], self.creds["consumer_secret"]

    def confirm_shipment(self, s: Shipment, send: bool = True) -> Call:
        """`PUT /orders/<id>` (woocommerce.github.io/woocommerce-rest-api-docs, "Update an order"): status
        completed, the tracking number and carrier as order meta (the keys the Shipment Tracking extension
        reads)."""
        body = {"status": "completed", "meta_data": [{"key": "_tracking_number", "value": s.tracking_no},
                                                      {"key": "_tracking_provider", "value": s.carrier or ""}]}
        call = Call("PUT", f"{ORDERS.path}/{s.platform_order_id}", body)
        if send:
            self.client.get_json(call.method, self.base_url + call.path, json_body=body, auth=self.auth())
        return call
