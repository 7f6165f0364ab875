"""`python -m ingest sandbox --port 8765`: a local marketplace speaking the five platforms' order APIs.

    python -m ingest sandbox --port 8765 --orders 300 --fault shopee:429:2 --fault tiktok:drift

All platforms share one port: their API paths do not overlap (Lazada's lives under `/rest`). A control
API beside them drives tests and demos:

    GET    /_sandbox/health
    GET    /_sandbox/orders?channel=shopee      the platform ids that exist now (what a pull must find)
    GET    /_sandbox/faults                     the active faults
    POST   /_sandbox/faults   {"channel": "shopee", "kind": "429", "times": 2, "retry_after": 1}
    DELETE /_sandbox/faults[?channel=shopee]
    POST   /_sandbox/clock    {"freeze": "2026-03-01T00:00:00+00:00"} or {"advance_s": 600}
    GET    /_sandbox/confirmations              shipments the hub confirmed (sim/sandbox/shipping.py)
    GET    /_sandbox/listings?channel=shopee    listings: quantity the hub pushed, sold, refused (listings.py)
    POST   /_sandbox/checkout {"channel": "shopee", "listing_id": "3000001/9000001", "qty": 1}
                                                a buyer orders; 409 when the platform has too little stock
    GET    /_sandbox/tokens                     counts: issued, refreshes, refused, reused refresh tokens
    POST   /_sandbox/tokens   {"expire": "shopee"} or {"revoke": "shopee"}

The platforms' authorization and token endpoints are in credentials.py.

Its warehouse and carrier (sim/sandbox/fulfil.py) serve /wms/v1/events, /track/v1/trackings and
/track/v1/updates (faults under the channels `wms` and `carrier`) and, with --push-to, push signed webhooks.
With --lake they also carry on the open orders of a demo lake (sim/sandbox/tail.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sim.sandbox.apis import THROTTLED, Api, Refused, Reply, Req
from sim.sandbox.credentials import AuthApi, Grants
from sim.sandbox.faults import Faults, parse_cli
from sim.sandbox.fulfil import Fulfilment, Pusher
from sim.sandbox.listings import Storefront
from sim.sandbox.market import SKUS, Clock, Market
from sim.sandbox.payouts import Payouts
from sim.sandbox.shipping import Shipping
from sim.sandbox.stock import StockFeed
from sim.sandbox.tail import demo_tail

log = logging.getLogger(__name__)


class Sandbox:
    """Market + faults + HTTP server; `start()` serves from a daemon thread (tests), `serve()` blocks."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: Clock | None = None,
        orders_per_platform: int = 200,
        days: float = 20,
        seed: int = 7,
        future_days: float = 0,
        lake_dir: Path | None = None,
    ):
        """`lake_dir`: a demo lake whose open orders the warehouse and carrier carry on (sim/sandbox/tail.py)."""
        self.clock = clock or Clock()
        self.market = Market(
            self.clock, orders_per_platform=orders_per_platform, days=days, seed=seed, future_days=future_days
        )
        self.faults = Faults()
        self.grants = Grants(self.clock)
        self.auth = AuthApi(self.grants)
        self.api = Api(self.market, self.grants)
        # the warehouse and the carrier, for the marketplace's orders and the demo history's open ones
        self.fulfil = Fulfilment(self.market.timelines, self.clock, seed, demo_tail(lake_dir, seed))
        self.stock = StockFeed([sku for sku, _, _ in SKUS], self.clock,  # the warehouse's stock feed
                               self.clock.now() - timedelta(days=days), days + future_days, seed)
        self.shipping = Shipping(self.api)  # the platforms' shipment confirmations (the hub's write-back)
        self.storefront = Storefront(self.api)  # listings' stock as the hub pushes it, and buyers held to it
        self.payouts = Payouts(self.api)  # the platforms' payout / settlement reports
        self.requests = 0
        self.httpd = ThreadingHTTPServer((host, port), _handler(self))
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Sandbox:
        serve = self.httpd.serve_forever
        self.thread = threading.Thread(target=serve, args=(0.05,), name="sandbox", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, req: Req) -> Reply:
        """One request: control API, or a platform API under that channel's faults."""
        if req.path.startswith("/_sandbox/"):
            return self.control(req)
        token_endpoint = self.auth.route(req.method, req.path)
        if token_endpoint is not None:
            return Reply(*token_endpoint(req))
        routed = (self.stock.route(req) or self.fulfil.route(req) or self.shipping.route(req)
                  or self.storefront.route(req) or self.payouts.route(req) or self.api.route(req))
        if routed is None:
            return Reply(404, {"error": "not_found", "message": f"no sandbox API at {req.method} {req.path}"})
        channel, handler = routed
        self.requests += 1
        active = self.faults.draw(channel)
        if "expire_token" in active:
            self.grants.expire(channel)
        if "slow" in active:
            time.sleep(active["slow"].delay_s)
        if "429" in active:
            status = 200 if channel in ("lazada", "tiktok") else 429  # envelope-only throttling
            body = THROTTLED.get(channel, {"error": "rate_limited"})  # the warehouse and carrier: plain 429
            return Reply(status, body, {"Retry-After": f"{active['429'].retry_after:g}"})
        if "503" in active:
            return Reply(503, "<html><body>503 Service Temporarily Unavailable</body></html>")
        try:
            reply = handler(req, active)
        except Refused as refused:
            return refused.reply
        if "malformed" in active:
            reply.body = json.dumps(reply.body)[: max(1, len(json.dumps(reply.body)) // 2)]
        return reply

    def control(self, req: Req) -> Reply:
        what = req.path.removeprefix("/_sandbox/")
        if what == "health":
            return Reply(200, {"ok": True, "now": self.clock.now().isoformat(), "requests": self.requests})
        if what == "orders":
            channel = req.query.get("channel", "")
            return Reply(200, {"channel": channel, "order_ids": self.market.order_ids(channel)})
        if what == "confirmations":
            return Reply(200, self.shipping.listing())
        if what == "listings":
            return Reply(200, {"listings": self.storefront.listing(req.query.get("channel") or None)})
        if what == "checkout" and req.method == "POST":
            return self.checkout(json.loads(req.body or "{}"))
        if what == "faults" and req.method == "GET":
            return Reply(200, self.faults.listing())
        if what == "faults" and req.method == "DELETE":
            self.faults.clear(req.query.get("channel"))
            return Reply(200, self.faults.listing())
        if what == "faults" and req.method == "POST":
            spec = json.loads(req.body or "{}")
            try:
                self.faults.add(spec.pop("channel"), spec.pop("kind"), **spec)
            except (KeyError, TypeError, ValueError) as exc:
                return Reply(400, {"error": f"bad fault: {exc}"})
            return Reply(200, self.faults.listing())
        if what == "clock" and req.method == "POST":
            spec = json.loads(req.body or "{}")
            if "freeze" in spec:
                self.clock.freeze(datetime.fromisoformat(spec["freeze"]) if spec["freeze"] else None)
            if "advance_s" in spec:
                self.clock.advance(float(spec["advance_s"]))
            return Reply(200, {"now": self.clock.now().isoformat()})
        if what == "tokens":
            spec = json.loads(req.body or "{}") if req.method == "POST" else {}
            for action in ("expire", "revoke"):
                if action in spec:
                    getattr(self.grants, action)(spec[action])
            return Reply(200, self.grants.listing())
        return Reply(404, {"error": f"unknown control {req.method} {req.path}"})


    def checkout(self, spec: dict[str, Any]) -> Reply:
        key = (spec.get("channel"), str(spec.get("listing_id")))
        if key not in self.storefront.listings:
            return Reply(404, {"error": f"no listing {key[1]} on {key[0]}"})
        order_id = self.storefront.checkout(*key, int(spec.get("qty") or 1))
        if order_id is None:
            return Reply(409, {"error": "out_of_stock", "message": "the platform refuses to sell beyond its stock"})
        return Reply(200, {"order_id": order_id})


def _handler(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else ""
            req = Req(
                self.command,
                parts.path,
                dict(parse_qsl(parts.query, keep_blank_values=True)),
                self.headers,
                body,
            )
            reply = sandbox.answer(req)
            data = reply.body if isinstance(reply.body, str) else json.dumps(reply.body, ensure_ascii=False)
            raw = data.encode("utf-8")
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): nothing to tell it

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

    return Handler


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest sandbox", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--orders", type=int, default=200, help="orders per platform")
    parser.add_argument("--days", type=float, default=20, help="history length before now, days")
    parser.add_argument("--future-days", type=float, default=7, help="orders keep arriving this long, days")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--freeze", help="freeze the clock at this ISO time")
    parser.add_argument("--lake", type=Path, help="a demo lake whose open orders the sandbox's warehouse and "
                        "carrier carry on (make run passes data/lake; a lake without the demo marker is left alone)")
    parser.add_argument("--fault", action="append", default=[], metavar="CHANNEL:KIND[:TIMES[:AFTER]]")
    parser.add_argument("--push-to", metavar="URL", help="also push warehouse/carrier events as signed webhooks "
                        "to OrderHub's receiver at URL (e.g. http://127.0.0.1:8766)")
    args = parser.parse_args(argv[1:])
    clock = Clock(datetime.fromisoformat(args.freeze) if args.freeze else None)
    sandbox = Sandbox(
        args.host,
        args.port,
        clock=clock,
        orders_per_platform=args.orders,
        days=args.days,
        seed=args.seed,
        future_days=args.future_days,
        lake_dir=args.lake,
    )
    for spec in args.fault:
        channel, kind, options = parse_cli(spec)
        sandbox.faults.add(channel, kind, **options)
    if args.push_to:
        threading.Thread(target=Pusher(sandbox.fulfil, args.push_to).run, name="pusher", daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=sandbox.httpd.shutdown).start())
    log.info("sandbox marketplace on %s (clock %s)", sandbox.url, clock.now().isoformat())
    print(f"sandbox marketplace on {sandbox.url}", flush=True)
    try:
        sandbox.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.httpd.server_close()
    return 0
