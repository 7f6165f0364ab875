"""The platforms' payout / settlement endpoints in the sandbox, served from the market's orders.

Each platform's records, fees and planted problems are its module's `shape()` (ingest/platforms/settled.py
for the plan they share); this file checks each request as the platform does (its auth and signature from
apis.py, its filters and page limits) and pages the records the platform's way:
- Shopee `get_escrow_list` (release window ≤ 15 days, `page_no`/`page_size` ≤ 100, `more`) and
  `get_escrow_detail` (one `order_sn`; an unknown one is `error_param`);
- Lazada `/finance/transaction/details/get` (`start_time`/`end_time` dates required, `limit` ≤ 500,
  `offset`; the rows whose date falls in the range);
- TikTok Shop statements and statement transactions (`page_size` ≤ 100, opaque `page_token`).

Shopify Payments balance transactions (ingest/platforms/shopify/payouts.py: shapes and planted problems):
the same token check as orders.json, `limit` 1..250, `since_id`, and `Link` header paging whose
`page_info` may not be combined with other filters. The market's faults (429, 503, slow, malformed) apply
as for the channel's other endpoints (server.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ingest.platforms import PLATFORMS
from ingest.platforms.lazada import finance as lazada_finance
from ingest.platforms.shopee import escrow as shopee_escrow
from ingest.platforms.shopify import payouts as shopify_payouts
from ingest.platforms.tiktok import statements as tiktok_statements
from sim.sandbox.apis import (
    Api,
    Reply,
    Req,
    _epoch,
    _int,
    _path_matches,
    _token,
    _untoken,
    lazada_error,
    shopee_error,
    shopify_page,
    tiktok_error,
)
from sim.sandbox.faults import Fault

Handler = Callable[[Req, dict[str, Fault]], Reply]


class Payouts:
    def __init__(self, api: Api):
        self.api = api
        lazada_root = PLATFORMS["lazada"].sandbox.api_root
        self.routes: list[tuple[str, str, str, Handler]] = [
            ("shopify", "GET", shopify_payouts.PATH, self.shopify),
            ("shopee", "GET", shopee_escrow.LIST.path, self.shopee_list),
            ("shopee", "GET", shopee_escrow.DETAIL.path, self.shopee_detail),
            ("lazada", "GET", lazada_root + lazada_finance.PATH, self.lazada),
            ("tiktok", "GET", tiktok_statements.STATEMENTS, self.tiktok_statements),
            ("tiktok", "GET", tiktok_statements.TRANSACTIONS, self.tiktok_transactions),
        ]

    def route(self, req: Req) -> tuple[str, Handler] | None:
        for channel, method, template, handler in self.routes:
            if req.method == method and _path_matches(template, req.path):
                return channel, handler
        return None

    def shopify(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopify_auth(req)
        limit, state = shopify_page(req, lambda q: {"since_id": _int(q.get("since_id"), 0), "offset": 0})
        market = self.api.market
        txns = [t for t in shopify_payouts.shape(market.visible("shopify"), market.clock.now())
                if t["id"] > state["since_id"]]
        chunk, offset = txns[state["offset"]: state["offset"] + limit], state["offset"] + limit
        headers = {}
        if offset < len(txns):
            info = _token({**state, "offset": offset})
            headers["Link"] = f'<http://sandbox{req.path}?limit={limit}&page_info={info}>; rel="next"'
        return Reply(200, {"transactions": chunk}, headers)

    def _now(self) -> datetime:
        return self.api.market.clock.now()

    # -- Shopee -------------------------------------------------------------------------------------
    def _shopee(self, req: Req, response: dict) -> Reply:
        return Reply(200, {"error": "", "message": "", "request_id": "sbx", "response": response})

    def _escrows(self) -> list[dict]:
        return shopee_escrow.shape(self.api.market.visible("shopee"), self._now())

    def shopee_list(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopee_auth(req)
        q = req.query
        lo, hi = _epoch(q.get("release_time_from")), _epoch(q.get("release_time_to"))
        size, page_no = _int(q.get("page_size"), 40), _int(q.get("page_no"), 1)
        if lo is None or hi is None or not 0 <= (hi - lo).total_seconds() <= 15 * 86400:
            raise shopee_error("error_param", "release_time_from/release_time_to must be at most 15 days apart.", 400)
        if not 1 <= size <= 100 or page_no < 1:
            raise shopee_error("error_param", "page_size must be 1..100 and page_no from 1.", 400)
        listed = [{"order_sn": e["order_sn"], "payout_amount": e["order_income"]["escrow_amount"],
                   "escrow_release_time": e["escrow_release_time"]}
                  for e in self._escrows() if lo.timestamp() <= e["escrow_release_time"] < hi.timestamp()]
        chunk = listed[(page_no - 1) * size: page_no * size]
        return self._shopee(req, {"escrow_list": chunk, "more": page_no * size < len(listed)})

    def shopee_detail(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopee_auth(req)
        sn = req.query.get("order_sn", "")
        found = [e for e in self._escrows() if e["order_sn"] == sn]
        if not found:
            raise shopee_error("error_param", f"order_sn {sn!r} has no escrow.", 400)
        return self._shopee(req, {"order_sn": sn, "buyer_user_name": "buyer", "return_order_sn_list": [],
                                  "order_income": found[0]["order_income"]})

    # -- Lazada -------------------------------------------------------------------------------------
    def lazada(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.lazada_auth(req)
        q = req.query
        try:
            lo, hi = (datetime.strptime(q[k], "%Y-%m-%d").date() for k in ("start_time", "end_time"))
        except (KeyError, ValueError):
            raise lazada_error("MissingParameter", "start_time and end_time (YYYY-MM-DD) are required") from None
        limit, offset = _int(q.get("limit"), 500), _int(q.get("offset"), 0)
        if not 1 <= limit <= lazada_finance.MAX_LIMIT or offset < 0:
            raise lazada_error("InvalidParameter", "limit must be 1..500 and offset from 0")
        rows = [r for r in lazada_finance.shape(self.api.market.visible("lazada"), self._now())
                if lo <= datetime.strptime(r["transaction_date"], lazada_finance.DATE).date() <= hi]
        return Reply(200, {"code": "0", "request_id": "sbx", "data": rows[offset: offset + limit]})

    # -- TikTok Shop --------------------------------------------------------------------------------
    def _tiktok_page(self, req: Req, items: list[dict], key: str, extra: dict) -> Reply:
        self.api.tiktok_auth(req)
        q = req.query
        size = _int(q.get("page_size"), 20)
        if not 1 <= size <= 100:
            raise tiktok_error(36009003, "page_size must be 1..100", 400)
        offset = _untoken(q["page_token"])["offset"] if q.get("page_token") else 0
        nxt = offset + size if offset + size < len(items) else None
        data = {key: items[offset: offset + size], "next_page_token": "" if nxt is None else _token({"offset": nxt}),
                **extra}
        return Reply(200, {"code": 0, "message": "Success", "request_id": "sbx", "data": data})

    def _statements(self) -> dict[str, dict]:
        return tiktok_statements.shape(self.api.market.visible("tiktok"), self._now())

    def tiktok_statements(self, req: Req, active: dict[str, Fault]) -> Reply:
        lo, hi = _int(req.query.get("statement_time_ge"), 0), _int(req.query.get("statement_time_lt"), 2**40)
        listed = [{k: v for k, v in st.items() if k != "transactions"} for st in self._statements().values()
                  if lo <= st["statement_time"] < hi]
        return self._tiktok_page(req, listed, "statements", {})

    def tiktok_transactions(self, req: Req, active: dict[str, Fault]) -> Reply:
        statement_id = req.path.split("/")[-2]
        st = self._statements().get(statement_id)
        if st is None:
            raise tiktok_error(36009004, f"statement {statement_id} not found", 404)
        extra = {"statement_id": statement_id, "currency": st["currency"], "total_count": len(st["transactions"])}
        return self._tiktok_page(req, st["transactions"], "transactions", extra)
