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
from ingest.writeback.shipment import Call, Shipment

ORDERS = Stream(
    "shopify.orders",
    "/admin/api/{api_version}/orders.json",
    records_path="orders",
    paginator=lambda size: LinkHeaderPaginator(),
    replication_key="updated_at",
)
# Shipment confirmation (shopify.dev, "FulfillmentOrder" and "Fulfillment: create"): the order's open
# fulfillment orders, then one fulfillment for them with the tracking number.
FULFILLMENT_ORDERS = "/admin/api/{api_version}/orders/{order_id}/fulfillment_orders.json"
FULFILLMENTS = "/admin/api/{api_version}/fulfillments.json"


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
        return self.call(stream.method, stream.path, params=params)

    def call(self, method: str, path: str, **kwargs: object) -> Response:
        version = self.cfg.options.get("api_version", "2024-10")
        url = self.base_url + path.format(api_version=version, order_id=kwargs.pop("order_id", ""))
        headers = {"X-Shopify-Access-Token": self.creds["access_token"]}
        return self.client.get_json(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]

    def confirm_shipment(self, s: Shipment, send: bool = True) -> Call:
        """One fulfillment over the order's open fulfillment orders; none open: fulfilled already."""
        listed = self.call("GET", FULFILLMENT_ORDERS, order_id=s.platform_order_id).body
        open_ids = [f["id"] for f in listed.get("fulfillment_orders", []) if f.get("status") == "open"]
        body = {"fulfillment": {
            "line_items_by_fulfillment_order": [{"fulfillment_order_id": i} for i in open_ids],
            "tracking_info": {"number": s.tracking_no, "company": s.carrier}, "notify_customer": True}}
        call = Call("POST", FULFILLMENTS, body, already=not open_ids)
        if send and open_ids:
            self.call("POST", FULFILLMENTS, json_body=body)
        return call
