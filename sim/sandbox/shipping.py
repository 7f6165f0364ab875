"""The platforms' shipment confirmation calls as the sandbox accepts them: the hub's tracking write-back.

Each call is authenticated and signed exactly as the platform's reads are (the checks in apis.py), its
payload is checked (a refusal answers in the platform's own error shape), and an accepted one is recorded
once per order in `confirmations` (also `GET /_sandbox/confirmations`). A repeat with the same tracking
number is answered like the first (what a client retrying after a lost reply needs) and counted in
`repeats`; a second, different tracking number for an order is refused. The platform's faults apply.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from ingest.platforms import PLATFORMS
from ingest.platforms.lazada.connector import RTS
from ingest.platforms.shopee.connector import SHIP_ORDER
from ingest.platforms.shopify.connector import FULFILLMENT_ORDERS, FULFILLMENTS
from ingest.platforms.tiktok.connector import MARK_SHIPPED, ORDER_DETAIL, PROVIDERS
from ingest.platforms.tiktok.sandbox import DELIVERY_OPTIONS, delivery_option
from ingest.platforms.woocommerce.connector import ORDERS as WOO_ORDERS
from sim.sandbox.apis import Api, Refused, Reply, Req, _path_matches, lazada_error, shopee_error, tiktok_error
from sim.sandbox.faults import Fault

NOT_SHIPPABLE = ("pending_payment", "cancelled", "refunded")
Handler = Callable[[Req, dict[str, Fault]], Reply]


class Shipping:
    """Routes and records the confirmations; `confirmations[(platform, order id)]` = what was accepted."""

    def __init__(self, api: Api):
        self.api, self.lock = api, threading.Lock()
        self.confirmations: dict[tuple[str, str], dict[str, Any]] = {}
        self.repeats = self.refused = self.provider_lists = 0
        self.routes: list[tuple[str, str, str, Handler]] = [
            ("shopify", "GET", FULFILLMENT_ORDERS.replace("{order_id}", "{id}"), self.shopify_listing),
            ("shopify", "POST", FULFILLMENTS, self.shopify),
            ("woocommerce", "PUT", WOO_ORDERS.path + "/{id}", self.woocommerce),
            ("shopee", "POST", SHIP_ORDER, self.shopee),
            ("lazada", "POST", PLATFORMS["lazada"].sandbox.api_root + RTS, self.lazada),
            ("tiktok", "GET", ORDER_DETAIL, self.tiktok_detail),
            ("tiktok", "GET", PROVIDERS.replace("{delivery_option_id}", "{id}"), self.tiktok_providers),
            ("tiktok", "POST", MARK_SHIPPED.replace("{order_id}", "{id}"), self.tiktok),
        ]

    def route(self, req: Req) -> tuple[str, Handler] | None:
        for channel, method, template, handler in self.routes:
            if req.method == method and _path_matches(template, req.path):
                return channel, handler
        return None

    def listing(self) -> dict[str, Any]:
        with self.lock:
            rows = [{"channel": c, "platform_order_id": p, **v} for (c, p), v in sorted(self.confirmations.items())]
        return {"confirmations": rows, "repeats": self.repeats, "refused": self.refused}

    # -- the shared checks ---------------------------------------------------------------------------
    def order(self, platform: str, pid: str) -> Any:
        return next((s for s in self.api.market.visible(platform) if s.platform_order_id == pid), None)

    def confirm(self, platform: str, pid: str, tracking_no: Any, carrier: Any) -> str | None:
        """Record the confirmation; the reason it is refused otherwise (None: accepted)."""
        sim = self.order(platform, pid)
        problem = (f"order {pid} not found" if sim is None
                   else "tracking number missing" if not isinstance(tracking_no, str) or not tracking_no.strip()
                   else f"order {pid} is {sim.stage}: it cannot ship" if sim.stage in NOT_SHIPPABLE else None)
        with self.lock:
            earlier = self.confirmations.get((platform, pid))
            if problem is None and earlier is not None and earlier["tracking_no"] != tracking_no:
                problem = f"order {pid} already shipped with tracking number {earlier['tracking_no']}"
            if problem is not None:
                self.refused += 1
            elif earlier is not None:
                self.repeats += 1
            else:
                self.confirmations[(platform, pid)] = {"tracking_no": tracking_no, "carrier": carrier}
        return problem

    # -- the platforms -------------------------------------------------------------------------------
    def shopify_listing(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopify_auth(req)
        pid = req.path.rsplit("/", 2)[-2]
        if self.order("shopify", pid) is None:
            return Reply(404, {"errors": "Not Found"})
        done = ("shopify", pid) in self.confirmations
        return Reply(200, {"fulfillment_orders": [{"id": f"fo-{pid}", "order_id": pid,
                                                   "status": "closed" if done else "open"}]})

    def shopify(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopify_auth(req)
        f = _json(req).get("fulfillment") or {}
        groups = f.get("line_items_by_fulfillment_order") or [{}]
        pid = str(groups[0].get("fulfillment_order_id") or "").removeprefix("fo-")
        tracking = (f.get("tracking_info") or {}).get("number")
        problem = self.confirm("shopify", pid, tracking, (f.get("tracking_info") or {}).get("company"))
        if problem:
            return Reply(422, {"errors": {"base": [problem]}})
        return Reply(201, {"fulfillment": {"id": f"f-{pid}", "status": "success", "tracking_number": tracking}})

    def woocommerce(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.woocommerce_auth(req)
        body, pid = _json(req), req.path.rsplit("/", 1)[-1]
        meta = {m.get("key"): m.get("value") for m in body.get("meta_data") or [] if isinstance(m, dict)}
        problem = ("status must be completed" if body.get("status") != "completed"
                   else self.confirm("woocommerce", pid, meta.get("_tracking_number"), meta.get("_tracking_provider")))
        if problem:
            return Reply(400, {"code": "woocommerce_rest_invalid_order", "message": problem, "data": {"status": 400}})
        return Reply(200, {"id": pid, "status": "completed", "meta_data": body["meta_data"]})

    def shopee(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopee_auth(req)
        body = _json(req)
        tracking = (body.get("non_integrated") or {}).get("tracking_number")
        problem = self.confirm("shopee", str(body.get("order_sn") or ""), tracking, None)
        if problem:
            raise shopee_error("logistics.invalid_param", problem, 400)
        return Reply(200, {"error": "", "message": "", "request_id": "sbx"})

    def lazada(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.lazada_auth(req)
        q = req.query
        items = json.loads(q.get("order_item_ids") or "[]")
        owners = {str(i // 100) for i in items if isinstance(i, int)}
        sim = self.order("lazada", owners.pop()) if len(owners) == 1 else None
        expected = sorted(i["order_item_id"] for i in PLATFORMS["lazada"].render(sim)["items"]) if sim else []
        problem = ("delivery_type must be dropship" if q.get("delivery_type") != "dropship"
                   else "order_item_ids must be every item of one order" if sim is None or sorted(items) != expected
                   else self.confirm("lazada", sim.platform_order_id, q.get("tracking_number"),
                                     q.get("shipment_provider")))
        if problem:
            raise lazada_error("InvalidParameter", problem)
        return Reply(200, {"code": "0", "request_id": "sbx", "data": {"order_items": [
            {"order_item_id": i, "tracking_number": q["tracking_number"]} for i in items]}})

    def tiktok_detail(self, req: Req, active: dict[str, Fault]) -> Reply:
        """Get Order Detail: `ids`, 1 to 50 order ids, comma-separated; unknown ids are left out."""
        self.api.tiktok_auth(req)
        wanted = [i for i in (req.query.get("ids") or "").split(",") if i]
        if not 1 <= len(wanted) <= 50:
            raise tiktok_error(36009003, "ids must hold 1 to 50 order ids", 400)
        sims = [s for s in (self.order("tiktok", i) for i in wanted) if s is not None]
        return Reply(200, {"code": 0, "message": "Success", "request_id": "sbx",
                           "data": {"orders": self.api.render("tiktok", sims, active)}})

    def tiktok_providers(self, req: Req, active: dict[str, Fault]) -> Reply:
        """Get Shipping Providers of one delivery option; an option the shop lacks is refused."""
        self.api.tiktok_auth(req)
        option = req.path.rsplit("/", 2)[-2]
        if option not in DELIVERY_OPTIONS:
            raise tiktok_error(36009009, f"delivery option {option} does not exist", 404)
        with self.lock:
            self.provider_lists += 1
        listed = [{"id": i, "name": n} for i, n in DELIVERY_OPTIONS[option][1]]
        return Reply(200, {"code": 0, "message": "Success", "request_id": "sbx",
                           "data": {"shipping_providers": listed}})

    def tiktok(self, req: Req, active: dict[str, Fault]) -> Reply:
        """Mark package as shipped: the provider id must be one of the order's delivery option's providers."""
        self.api.tiktok_auth(req)
        body, pid = _json(req), req.path.rsplit("/", 2)[-2]
        provider = body.get("shipping_provider_id")
        offered = dict(DELIVERY_OPTIONS[delivery_option(pid)][1]) if pid.isdigit() else {}
        if self.order("tiktok", pid) is not None and provider not in offered:
            with self.lock:
                self.refused += 1
            raise tiktok_error(21011001, f"shipping_provider_id {provider!r} is not a shipping provider of the "
                                         f"order's delivery option {delivery_option(pid)}", 400)
        problem = self.confirm("tiktok", pid, body.get("tracking_number"), offered.get(provider, provider))
        if problem:
            raise tiktok_error(21011001, problem, 400)
        return Reply(200, {"code": 0, "message": "Success", "request_id": "sbx", "data": {"package_id": f"pk-{pid}"}})


def _json(req: Req) -> dict[str, Any]:
    try:
        body = json.loads(req.body or "{}")
    except ValueError:
        raise Refused(Reply(400, {"error": "bad_request", "message": "body is not JSON"})) from None
    return body if isinstance(body, dict) else {}
