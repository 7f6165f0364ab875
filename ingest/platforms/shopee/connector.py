"""Shopee Open Platform v2: `get_order_list` for the order numbers, then `get_order_detail` for the orders.

Checked against open.shopee.com (v2 "get_order_list", "get_order_detail", "Signature") and client code
that calls them: shop-level common parameters `partner_id, timestamp, access_token, shop_id, sign`;
`time_range_field=update_time` with `time_from`/`time_to` at most 15 days apart; `page_size` ≤ 100 and
cursor paging through `response.more` / `response.next_cursor`; details for at most 50 `order_sn_list`
per call; errors in the envelope `{"error": "...", "message": "...", "request_id": ...}`, where
`error_rate_limit` / `error_busy` are worth retrying and `error_auth`, `error_sign`, `error_param`,
`error_permission` are not.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from ingest.connectors.base import Connector, Page, epoch, throttled
from ingest.connectors.paginators import CursorPaginator, Token
from ingest.connectors.signing import hmac_hex
from ingest.connectors.stream import Payload, Stream
from ingest.http import FatalError, Response
from ingest.platforms.shopee.auth import ShopeeAuth
from ingest.writeback.shipment import Call, Shipment

LIST = Stream(
    "shopee.get_order_list",
    "/api/v2/order/get_order_list",
    records_path="response.order_list",
    paginator=lambda size: CursorPaginator(
        cursor=lambda b: b["response"].get("next_cursor"), more=lambda b: bool(b["response"].get("more"))
    ),
    primary_key="order_sn",
    replication_key="update_time",
)
DETAIL = Stream(
    "shopee.get_order_detail",
    "/api/v2/order/get_order_detail",
    records_path="response.order_list",
    primary_key="order_sn",
)
DETAIL_BATCH = 50
DETAIL_FIELDS = (
    "buyer_user_id,buyer_username,estimated_shipping_fee,recipient_address,actual_shipping_fee,"
    "note,item_list,pay_time,package_list,shipping_carrier,payment_method,total_amount,"
    "order_status,update_time"
)
# v2.logistics.ship_order (open.shopee.com): the seller's own carrier ("non_integrated") with its tracking number.
SHIP_ORDER = "/api/v2/logistics/ship_order"
RETRIABLE_ERRORS = frozenset({"error_rate_limit", "error_busy", "error_server", "error_inner"})


def base_string(partner_id: str | int, path: str, timestamp: int, access_token: str, shop_id: str | int) -> str:
    return f"{partner_id}{path}{timestamp}{access_token}{shop_id}"


def sign_request(
    partner_key: str, partner_id: str | int, path: str, timestamp: int, access_token: str, shop_id: str | int
) -> str:
    """Shop-level API signature (open.shopee.com, "Signature"): HMAC-SHA256 keyed by the partner key over
    `partner_id + api_path + timestamp + access_token + shop_id`, lower-case hex, sent as `sign`."""
    return hmac_hex(partner_key, base_string(partner_id, path, timestamp, access_token, shop_id))


class ShopeeConnector(Connector):
    platform = "shopee"
    rate_per_s = 10.0
    max_page_size = 100
    max_window = timedelta(days=15)
    stream = LIST
    side_streams = (DETAIL,)
    credential_names = ("partner_id", "partner_key", "access_token")
    auth_class = ShopeeAuth  # tokens expire: ./auth.py refreshes them
    token_errors = ("error_auth", "invalid_access_token", "invalid_acceess_token")

    def common(self, path: str) -> dict[str, Any]:
        ts = int(self.wall_clock())
        c = self.creds
        sign = sign_request(c["partner_key"], c["partner_id"], path, ts, c["access_token"], self.cfg.shop_id)
        self.client.redactor.add(sign)
        return {
            "partner_id": c["partner_id"],
            "timestamp": ts,
            "access_token": c["access_token"],
            "shop_id": self.cfg.shop_id,
            "sign": sign,
        }

    def check(self, resp: Response, *, needs_response: bool = True) -> None:
        body = resp.body
        error = body.get("error") if isinstance(body, dict) else "not_an_object"
        if not error:
            if needs_response and not isinstance(body.get("response"), dict):
                raise FatalError(f"{self.cfg.key}: shopee response without a 'response' object")
            return
        message = self.client.redactor.text(f"{self.cfg.key}: shopee {error}: {body.get('message', '')}")
        if error in RETRIABLE_ERRORS:
            raise throttled(message, resp)
        raise FatalError(message)

    def get(self, stream: Stream, params: dict[str, Any]) -> Response:
        return self.client.get_json(
            stream.method,
            self.base_url + stream.path,
            params={**self.common(stream.path), **params},
            check=self.check,
        )

    def confirm_shipment(self, s: Shipment, send: bool = True) -> Call:
        """`ship_order` for the order with the tracking number; its reply has no `response` object."""
        body = {"order_sn": s.platform_order_id, "non_integrated": {"tracking_number": s.tracking_no}}
        if send:
            self.send(lambda: self.client.get_json(
                "POST", self.base_url + SHIP_ORDER, params=self.common(SHIP_ORDER), json_body=body,
                check=lambda r: self.check(r, needs_response=False)))
        return Call("POST", SHIP_ORDER, body)

    def request_page(self, stream: Stream, start: datetime, end: datetime, token: Token | None) -> Response:
        window = {"time_range_field": "update_time", "time_from": epoch(start), "time_to": epoch(end)}
        return self.get(stream, {**window, "page_size": self.page_size, "cursor": token or ""})

    def orders(self, records: list[Payload]) -> Iterator[Page]:
        """The list names orders; their details come 50 at a time."""
        numbers = [str(o["order_sn"]) for o in records]
        for i in range(0, len(numbers), DETAIL_BATCH):
            batch = numbers[i : i + DETAIL_BATCH]
            wanted = {"order_sn_list": ",".join(batch), "response_optional_fields": DETAIL_FIELDS}
            resp = self.send(lambda w=wanted: self.get(DETAIL, w))
            yield Page(DETAIL.records(resp.body, self.cfg.key), DETAIL.name)
