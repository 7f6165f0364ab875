"""The five platforms' order endpoints as the sandbox speaks them: paths, auth and signature checks,
filters, page limits, pagination and envelopes, each as the platform documents it (see the docstrings
of `ingest/platforms/<code>/connector.py` for the sources).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.connectors.signing import same
from ingest.platforms import PLATFORMS
from ingest.platforms.lazada.connector import sign_request as lazada_sign
from ingest.platforms.sample import SimOrder
from ingest.platforms.shopee.connector import sign_request as shopee_sign
from ingest.platforms.tiktok.connector import sign_request as tiktok_sign
from sim.sandbox.credentials import Grants
from sim.sandbox.faults import DRIFT_FIELDS, Fault
from sim.sandbox.market import SHOP_IDS, Market, wall_seconds


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    body: str = ""


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class Refused(Exception):
    """The request is refused the way the platform refuses it."""

    def __init__(self, reply: Reply):
        super().__init__(reply.status)
        self.reply = reply


CREDS = {code: p.sandbox.credentials for code, p in PLATFORMS.items()}
THROTTLED = {code: p.sandbox.throttled for code, p in PLATFORMS.items()}


def _token(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, sort_keys=True).encode()).decode().rstrip("=")


def shopify_page(req: Req, first: Callable[[dict[str, str]], dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """Shopify's cursor paging: `limit` (1–250) and either `page_info` alone or the first page's filters,
    which `first` turns into the paging state."""
    q = dict(req.query)
    limit = _int(q.pop("limit", None), 50)
    if not 1 <= limit <= 250:
        raise Refused(Reply(400, {"errors": {"limit": "must be between 1 and 250"}}))
    if "page_info" not in q:
        return limit, first(q)
    state = _untoken(q.pop("page_info"))
    if q:
        raise Refused(Reply(400, {"errors": {"page_info": f"cannot be combined with {sorted(q)}"}}))
    return limit, state


def _untoken(value: str) -> dict:
    try:
        return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except ValueError:
        raise Refused(Reply(400, {"errors": "Invalid page_info"})) from None


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    if "T" in value and " " in value:  # an unencoded '+' of the offset arrives as a space
        value = value.replace(" ", "+")
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _epoch(value: Any) -> datetime | None:
    return None if value in (None, "") else datetime.fromtimestamp(int(value), UTC)


def _int(value: Any, default: int) -> int:
    return default if value in (None, "") else int(value)


def shopee_error(error: str, message: str, status: int = 403) -> Refused:
    return Refused(Reply(status, {"error": error, "message": message, "request_id": "sbx"}))


def lazada_error(code: str, message: str) -> Refused:
    return Refused(Reply(200, {"code": code, "type": "ISV", "message": message, "request_id": "sbx"}))


def tiktok_error(code: int, message: str, status: int = 200) -> Refused:
    return Refused(Reply(status, {"code": code, "message": message, "request_id": "sbx", "data": {}}))


class Api:
    """Routes for one Market; `handle(channel, req, active)` answers one request under its faults."""

    def __init__(self, market: Market, grants: Grants | None = None):
        self.market, self.grants = market, grants or Grants(market.clock)

    # -- shared -------------------------------------------------------------------------------------
    def page(
        self, platform: str, items: list[SimOrder], offset: int, size: int, active: dict[str, Fault]
    ) -> tuple[list[SimOrder], int | None]:
        """One page from `offset` of a list computed for this request; with `duplicate_pages` it also
        repeats half of the previous page; with `churn` the first orders served are edited afterwards."""
        lo = max(0, offset - size // 2) if "duplicate_pages" in active and offset > 0 else offset
        nxt = offset + size if offset + size < len(items) else None
        if nxt is not None and "repeat_token" in active and offset > 0:
            nxt = offset  # the server "forgets" to advance
        chunk = items[lo : offset + size]
        if "churn" in active:
            self.market.touch(platform, [s.platform_order_id for s in chunk[: active["churn"].orders]])
        return chunk, nxt

    def render(self, platform: str, sims: list[SimOrder], active: dict[str, Fault]) -> list[dict]:
        orders = self.market.render(platform, sims)
        if "drift" in active:
            name = DRIFT_FIELDS[platform]
            for o in orders:
                if name in o:
                    o[f"{name}_v2"] = o.pop(name)
        return orders

    # -- Shopify ------------------------------------------------------------------------------------
    def shopify_auth(self, req: Req) -> None:
        """Refused unless the request carries the shop's access token (also the fulfillment calls)."""
        if req.headers.get("X-Shopify-Access-Token") != CREDS["shopify"]["access_token"]:
            raise Refused(
                Reply(401, {"errors": "[API] Invalid API key or access token (unrecognized login)"})
            )

    def shopify(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.shopify_auth(req)
        limit, state = shopify_page(req, lambda q: {"min": q.get("updated_at_min"), "max": q.get("updated_at_max"),
                                                    "offset": 0})
        sims = self.market.visible(
            "shopify", updated_from=_when(state["min"]), updated_to=_when(state["max"]), inclusive_to=True
        )
        chunk, nxt = self.page("shopify", sims, state["offset"], limit, active)
        headers = {}
        if nxt is not None:
            info = _token({**state, "offset": nxt})
            headers["Link"] = f'<http://sandbox{req.path}?limit={limit}&page_info={info}>; rel="next"'
        return Reply(200, {"orders": self.render("shopify", chunk, active)}, headers)

    # -- WooCommerce --------------------------------------------------------------------------------
    def woocommerce_auth(self, req: Req) -> None:
        c = CREDS["woocommerce"]
        expected = (
            "Basic " + base64.b64encode(f"{c['consumer_key']}:{c['consumer_secret']}".encode()).decode()
        )
        if req.headers.get("Authorization") != expected:
            raise Refused(
                Reply(
                    401,
                    {
                        "code": "woocommerce_rest_cannot_view",
                        "message": "Sorry, you cannot list resources.",
                        "data": {"status": 401},
                    },
                )
            )

    def woocommerce(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.woocommerce_auth(req)
        per_page, page = _int(req.query.get("per_page"), 10), _int(req.query.get("page"), 1)
        if not 1 <= per_page <= 100 or page < 1:
            raise Refused(
                Reply(
                    400,
                    {
                        "code": "rest_invalid_param",
                        "message": "Invalid parameter(s): per_page",
                        "data": {"status": 400},
                    },
                )
            )
        sims = self.market.visible(
            "woocommerce",
            updated_from=_when(req.query.get("modified_after")),
            updated_to=_when(req.query.get("modified_before")),
        )
        chunk, _ = self.page("woocommerce", sims, (page - 1) * per_page, per_page, active)
        pages = max(1, -(-len(sims) // per_page))
        return Reply(
            200,
            self.render("woocommerce", chunk, active),
            {"X-WP-Total": str(len(sims)), "X-WP-TotalPages": str(pages)},
        )

    # -- Shopee -------------------------------------------------------------------------------------
    def shopee_auth(self, req: Req) -> None:
        """Partner id, shop, token, signature (over this request's path) and a fresh timestamp."""
        c, q, err = CREDS["shopee"], req.query, shopee_error

        if q.get("partner_id") != c["partner_id"] or not self.grants.valid("shopee", q.get("access_token")):
            raise err("error_auth", "Invalid partner_id or access_token (expired or revoked).")
        if q.get("shop_id") != SHOP_IDS["shopee"]:
            raise err("error_param", f"shop_id {q.get('shop_id')} is not authorized.")
        ts = _int(q.get("timestamp"), 0)
        expected = shopee_sign(c["partner_key"], c["partner_id"], req.path, ts, q["access_token"], q["shop_id"])
        if not same(q.get("sign", ""), expected):
            raise err("error_sign", "Wrong sign.")
        if abs(wall_seconds() - ts) > 300:
            raise err("error_param", "Invalid timestamp: expired.")

    def shopee(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.shopee_auth(req)
        q, err = req.query, shopee_error
        if req.path.endswith("/get_order_list"):
            lo, hi = _epoch(q.get("time_from")), _epoch(q.get("time_to"))
            size = _int(q.get("page_size"), 20)
            if lo is None or hi is None or (hi - lo).total_seconds() > 15 * 86400 or not 1 <= size <= 100:
                raise err(
                    "error_param", "time_from/time_to must be at most 15 days apart; page_size 1..100.", 400
                )
            sims = self.market.visible("shopee", updated_from=lo, updated_to=hi, inclusive_to=True)
            chunk, nxt = self.page("shopee", sims, _int(q.get("cursor"), 0), size, active)
            listed = [{"order_sn": s.platform_order_id} for s in chunk]
            return Reply(
                200,
                {
                    "error": "",
                    "message": "",
                    "request_id": "sbx",
                    "response": {
                        "more": nxt is not None,
                        "next_cursor": "" if nxt is None else str(nxt),
                        "order_list": listed,
                    },
                },
            )
        wanted = [s for s in q.get("order_sn_list", "").split(",") if s]
        if not 1 <= len(wanted) <= 50:
            raise err("error_param", "order_sn_list must hold 1 to 50 order_sn.", 400)
        by_id = {s.platform_order_id: s for s in self.market.visible("shopee")}
        sims = [by_id[sn] for sn in wanted if sn in by_id]
        return Reply(
            200,
            {
                "error": "",
                "message": "",
                "request_id": "sbx",
                "response": {"order_list": self.render("shopee", sims, active)},
            },
        )

    # -- Lazada -------------------------------------------------------------------------------------
    def lazada_auth(self, req: Req) -> str:
        """App key, signature and token checked; the API path (under the sandbox's `/rest`) returned."""
        c, q, err = CREDS["lazada"], req.query, lazada_error
        api_path = req.path.removeprefix(PLATFORMS["lazada"].sandbox.api_root)

        if q.get("app_key") != c["app_key"]:
            raise err("InvalidAppKey", "Invalid app key")
        if not same(q.get("sign", ""), lazada_sign(c["app_secret"], api_path, q)):
            raise err("IncompleteSignature", "The request signature does not conform to lazada standards")
        if not self.grants.valid("lazada", q.get("access_token")):
            raise err("IllegalAccessToken", "The specified access token is invalid or expired")
        return api_path

    def lazada(self, req: Req, active: dict[str, Fault]) -> Reply:
        api_path, q, err = self.lazada_auth(req), req.query, lazada_error
        if api_path == "/orders/items/get":
            wanted = {str(i) for i in json.loads(q.get("order_ids", "[]"))}
            sims = [s for s in self.market.visible("lazada") if s.platform_order_id in wanted]
            data = [
                {
                    "order_id": int(o["order_id"]),
                    "order_number": int(o["order_id"]),
                    "order_items": o["items"],
                }
                for o in self.market.render("lazada", sims)
            ]
            return Reply(200, {"code": "0", "request_id": "sbx", "data": data})
        limit, offset = _int(q.get("limit"), 10), _int(q.get("offset"), 0)
        if not 1 <= limit <= 100 or not 0 <= offset <= 5000:
            raise err("InvalidParameter", "limit must be 1..100 and offset 0..5000")
        sims = self.market.visible(
            "lazada", updated_from=_when(q.get("update_after")), updated_to=_when(q.get("update_before"))
        )
        chunk, _ = self.page("lazada", sims, offset, limit, active)
        orders = [{k: v for k, v in o.items() if k != "items"} for o in self.render("lazada", chunk, active)]
        return Reply(
            200,
            {
                "code": "0",
                "request_id": "sbx",
                "data": {"count": len(orders), "countTotal": len(sims), "orders": orders},
            },
        )

    # -- TikTok Shop --------------------------------------------------------------------------------
    def tiktok_auth(self, req: Req) -> None:
        c, q, err = CREDS["tiktok"], req.query, tiktok_error

        if q.get("app_key") != c["app_key"]:
            raise err(106010, "Invalid app_key", 401)
        if not self.grants.valid("tiktok", req.headers.get("x-tts-access-token")):
            raise err(105002, "Expired or invalid access token", 401)
        if not same(q.get("sign", ""), tiktok_sign(c["app_secret"], req.path, q, req.body)):
            raise err(106001, "Invalid signature", 401)

    def tiktok(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.tiktok_auth(req)
        q, err = req.query, tiktok_error
        size = _int(q.get("page_size"), 10)
        if not 1 <= size <= 100:
            raise err(36009003, "page_size must be 1..100", 400)
        body = json.loads(req.body or "{}")
        sims = self.market.visible(
            "tiktok",
            updated_from=_epoch(body.get("update_time_ge")),
            updated_to=_epoch(body.get("update_time_lt")),
        )
        offset = _untoken(q["page_token"])["offset"] if q.get("page_token") else 0
        chunk, nxt = self.page("tiktok", sims, offset, size, active)
        return Reply(
            200,
            {
                "code": 0,
                "message": "Success",
                "request_id": "sbx",
                "data": {
                    "orders": self.render("tiktok", chunk, active),
                    "total_count": len(sims),
                    "next_page_token": "" if nxt is None else _token({"offset": nxt}),
                },
            },
        )

    def route(self, req: Req) -> tuple[str, Callable[[Req, dict[str, Fault]], Reply]] | None:
        """(channel, handler) for a request: the endpoints each platform's connector declares, under the
        platform's sandbox API root, answered by the method named after the platform; else None."""
        for code, declared in PLATFORMS.items():
            for stream in declared.connector.endpoints():
                if req.method == stream.method and _path_matches(declared.sandbox.api_root + stream.path, req.path):
                    return code, getattr(self, code)
        return None


def _path_matches(template: str, path: str) -> bool:
    """'/admin/api/{api_version}/orders.json' matches '/admin/api/2024-10/orders.json'."""
    pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(pattern, path) is not None
