"""Lazada Open Platform: `GET /orders/get`, then `GET /orders/items/get` for the orders' items.

Checked against open.lazada.com ("GetOrders", "GetMultipleOrderItems", "Sign the API request") and the
Lazada best-practice guide "Get order": common parameters `app_key, timestamp (ms), sign_method=sha256,
access_token, sign`; `update_after`/`update_before` ISO 8601, `sort_by=updated_at`; `offset`/`limit`
(limit ≤ 100, offset ≤ 5000); the reply
`{"code": "0", "data": {...}}` on success, otherwise `{"code": "...", "type": "ISV|SYSTEM", "message"}`
with `ApiCallLimit` (throttled) retriable. Items come from `/orders/items/get?order_ids=[...]`.

The payload handed to the normalizer is the order object with its items merged under `items`
(`normalize.with_items`): Lazada keeps status, currency and SKUs on the items.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ingest.connectors.base import Connector, Page, iso_utc, throttled
from ingest.connectors.paginators import OffsetPaginator, Token
from ingest.connectors.stream import Stream
from ingest.http import FatalError, Response
from ingest.platforms.lazada.auth import LazadaAuth, sign_request
from ingest.platforms.lazada.normalize import with_items
from ingest.writeback.shipment import Call, Shipment

MAX_OFFSET = 5000
ORDERS = Stream(
    "lazada.orders",
    "/orders/get",
    records_path="data.orders",
    paginator=lambda size: OffsetPaginator(size, MAX_OFFSET),
    primary_key="order_id",
    replication_key="updated_at",
)
ITEMS = Stream("lazada.orders.items", "/orders/items/get", records_path="data")
KIND = "lazada.orders+items"  # the payloads kept: each order with its items merged
ITEMS_BATCH = 50
# Ready to ship (open.lazada.com, "SetStatusToReadyToShip" /order/rts): the order's items, dropship, with
# the seller's carrier and tracking number. The item ids come from /orders/items/get.
RTS = "/order/rts"
RETRIABLE_CODES = frozenset({"ApiCallLimit", "ServiceTimeout", "ServiceUnavailable", "SystemBusy"})


class LazadaConnector(Connector):
    platform = "lazada"
    rate_per_s = 10.0
    max_page_size = 100
    stream = ORDERS
    side_streams = (ITEMS,)
    credential_names = ("app_key", "app_secret", "access_token")
    auth_class = LazadaAuth  # tokens expire: ./auth.py refreshes them
    token_errors = ("IllegalAccessToken",)

    def signed(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        c = self.creds
        full = {
            **params,
            "app_key": c["app_key"],
            "timestamp": int(self.wall_clock() * 1000),
            "sign_method": "sha256",
            "access_token": c["access_token"],
        }
        full["sign"] = sign_request(c["app_secret"], path, full)
        self.client.redactor.add(full["sign"])
        return full

    def check(self, resp: Response) -> None:
        body = resp.body
        code = str(body.get("code")) if isinstance(body, dict) else "not_an_object"
        if code == "0":
            return
        message = self.client.redactor.text(f"{self.cfg.key}: lazada {code}: {body.get('message', '')}")
        if code in RETRIABLE_CODES:
            raise throttled(message, resp)
        raise FatalError(message)

    def get(self, stream: Stream, params: dict[str, Any]) -> Response:
        return self.call(stream.method, stream.path, params)

    def call(self, method: str, path: str, params: dict[str, Any]) -> Response:
        return self.client.get_json(method, self.base_url + path, params=self.signed(path, params), check=self.check)

    def confirm_shipment(self, s: Shipment, send: bool = True) -> Call:
        """`/order/rts` for every item of the order (read first: the items carry Lazada's ids)."""
        wanted = {"order_ids": json.dumps([int(s.platform_order_id)], separators=(",", ":"))}
        listed = self.send(lambda: self.get(ITEMS, wanted)).body.get("data") or []
        item_ids = [i["order_item_id"] for o in listed for i in o.get("order_items", [])]
        params = {"delivery_type": "dropship", "order_item_ids": json.dumps(item_ids, separators=(",", ":")),
                  "shipment_provider": s.carrier or "", "tracking_number": s.tracking_no}
        if send:
            self.send(lambda: self.call("POST", RTS, params))
        return Call("POST", RTS, params)

    def orders(self, records: list[dict]) -> Iterator[Page]:
        """Lazada keeps status, currency and SKUs on the items: each order goes out with its items."""
        yield Page(self.with_items(records), KIND)

    def request_page(self, stream: Stream, start: datetime, end: datetime, token: Token | None) -> Response:
        params = {
            "update_after": iso_utc(start),
            "update_before": iso_utc(end),
            "sort_by": "updated_at",
            "sort_direction": "ASC",
            "status": "all",
            "offset": token or 0,
            "limit": self.page_size,
        }
        return self.get(stream, params)

    def with_items(self, orders: list[dict]) -> list[dict]:
        """Each order with its items merged in (the normalizer's `with_items`: key `items`)."""
        out = []
        for i in range(0, len(orders), ITEMS_BATCH):
            chunk = orders[i : i + ITEMS_BATCH]
            ids = [o["order_id"] for o in chunk if o.get("order_id") is not None]
            wanted = {"order_ids": json.dumps(ids, separators=(",", ":"))}
            body = self.send(lambda w=wanted: self.get(ITEMS, w)).body if ids else {}
            out.extend(with_items(o, body) for o in chunk)
        return out
