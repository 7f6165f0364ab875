"""The platforms' payout / settlement endpoints in the sandbox, served from the market's orders.

Shopify Payments balance transactions (ingest/platforms/shopify/payouts.py: shapes and planted problems):
the same token check as orders.json, `limit` 1..250, `since_id`, and `Link` header paging whose
`page_info` may not be combined with other filters. The market's faults (429, 503, slow, malformed) apply
as for the channel's other endpoints (server.py).
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.platforms.shopify import payouts as shopify_payouts
from sim.sandbox.apis import Api, Refused, Reply, Req, _int, _path_matches, _token, _untoken
from sim.sandbox.faults import Fault

Handler = Callable[[Req, dict[str, Fault]], Reply]


class Payouts:
    def __init__(self, api: Api):
        self.api = api
        self.routes: list[tuple[str, str, str, Handler]] = [("shopify", "GET", shopify_payouts.PATH, self.shopify)]

    def route(self, req: Req) -> tuple[str, Handler] | None:
        for channel, method, template, handler in self.routes:
            if req.method == method and _path_matches(template, req.path):
                return channel, handler
        return None

    def shopify(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopify_auth(req)
        q = dict(req.query)
        limit = _int(q.pop("limit", None), 50)
        if not 1 <= limit <= 250:
            raise Refused(Reply(400, {"errors": {"limit": "must be between 1 and 250"}}))
        if "page_info" in q:
            state = _untoken(q.pop("page_info"))
            if q:
                raise Refused(Reply(400, {"errors": {"page_info": f"cannot be combined with {sorted(q)}"}}))
        else:
            state = {"since_id": _int(q.get("since_id"), 0), "offset": 0}
        market = self.api.market
        txns = [t for t in shopify_payouts.shape(market.visible("shopify"), market.clock.now())
                if t["id"] > state["since_id"]]
        chunk, offset = txns[state["offset"]: state["offset"] + limit], state["offset"] + limit
        headers = {}
        if offset < len(txns):
            info = _token({**state, "offset": offset})
            headers["Link"] = f'<http://sandbox{req.path}?limit={limit}&page_info={info}>; rel="next"'
        return Reply(200, {"transactions": chunk}, headers)
