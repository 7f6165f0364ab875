"""The sandbox's warehouse (WMS) and carrier: they move the marketplace's orders through every step.

For each paid, uncancelled order the warehouse allocates, picks and packs it and hands it to the carrier
when the platform says it shipped (40–100 minutes after payment, no step waiting over half an hour; the
market's planted late orders wait hours for stock between allocated and picked); the carrier collects
it within two minutes (a few percent minutes later: the cross-system disagreement), scans it in transit, out for
delivery and delivered when the platform says delivered. About 1% of parcels are lost: after in transit
only a carrier exception follows. Each event becomes visible at its event time plus a report delay (tens
of seconds; ~10% are 10–60 minutes late, so they arrive out of order) and ~3% are delivered twice.

Both feeds are served the way real ones are: pulled (GET /wms/v1/events, POST /track/v1/trackings then
GET /track/v1/updates, cursor paging, `X-Api-Key`) and pushed (`Pusher`: signed webhooks to OrderHub's
receiver). `truth()` gives each order's true steps, for tests that count what should be outstanding.
"""

from __future__ import annotations

import bisect
import json
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ingest.events.signature import signature_header
from ingest.events.sources import SANDBOX_SECRETS
from ingest.platforms.sample import SimOrder
from sim.sandbox.apis import Refused, Reply, Req
from sim.sandbox.market import HANDOVER_MIN

CODES = {"collected": "PU", "in_transit": "IT", "out_for_delivery": "OD", "delivered": "DL", "exception": "EX"}
ROOTS = {"wms": "/wms/v1", "carrier": "/track/v1"}
LATE_REPORT_RATE, LATE_REPORT_MIN = 0.10, (10, 60)


@dataclass(frozen=True)
class SimEvent:
    kind: str  # wms | carrier
    sid: str
    step: str  # wms event, or carrier canonical status
    occurred_at: datetime
    visible_at: datetime
    platform: str
    order: SimOrder

    def body(self) -> dict[str, Any]:
        """The event as the feed sends it (docs/events.md)."""
        at = self.occurred_at.isoformat()
        if self.kind == "wms":
            out = {"id": self.sid, "event": self.step, "occurred_at": at, "channel": self.platform,
                   "platform_order_id": self.order.platform_order_id, "warehouse": "Sandbox-WH"}
            carrier = {"tracking_no": self.order.tracking_no, "carrier": self.order.carrier or "SF"}
            return out | (carrier if self.step == "shipped" else {})
        return {"id": self.sid, "status": CODES[self.step], "occurred_at": at, "tracking_no": self.order.tracking_no,
                "carrier": self.order.carrier or "SF"}


def _warehouse(rng: random.Random, o: SimOrder) -> tuple[datetime, datetime, datetime]:
    """(allocated, picked, packed) between payment and hand-over: four gaps of about a quarter of the
    usual hand-over time each (so none waits half an hour); a held order (market.LATE_RATE) waits its
    extra hours for stock between allocated and picked, the one step an SLA rule should catch."""
    span = o.shipped - o.paid
    usual = span if span <= timedelta(minutes=HANDOVER_MIN[1]) else timedelta(minutes=rng.uniform(*HANDOVER_MIN))
    weights = [rng.uniform(0.9, 1.1) for _ in range(4)]
    gaps = [usual * (w / sum(weights)) for w in weights]
    allocated = o.paid + gaps[0]
    picked = allocated + gaps[1] + (span - usual)
    return allocated, picked, picked + gaps[2]


def _steps(rng: random.Random, o: SimOrder) -> list[tuple[str, str, datetime]]:
    """(kind, step, event time) of one order's true fulfilment."""
    allocated, picked, packed = _warehouse(rng, o)
    skew = rng.uniform(4, 15) if rng.random() < 0.03 else rng.uniform(0, 2)
    in_transit = o.shipped + timedelta(hours=rng.uniform(2, 6))
    steps = [("wms", "allocated", allocated), ("wms", "picked", picked), ("wms", "packed", packed),
             ("wms", "shipped", o.shipped), ("carrier", "collected", o.shipped + timedelta(minutes=skew)),
             ("carrier", "in_transit", in_transit)]
    if rng.random() < 0.01:  # lost parcel
        return [*steps, ("carrier", "exception", in_transit + timedelta(hours=48))]
    return [*steps, ("carrier", "out_for_delivery", max(in_transit, o.delivered - timedelta(hours=rng.uniform(1, 4)))),
            ("carrier", "delivered", o.delivered)]


def _delay(rng: random.Random) -> timedelta:
    """When the feed reports an event after it happened: ~10% 10–60 minutes late, the rest within a minute."""
    if rng.random() < LATE_REPORT_RATE:
        return timedelta(minutes=rng.uniform(*LATE_REPORT_MIN))
    return timedelta(seconds=rng.uniform(5, 60))


class Fulfilment:
    """Every event of every order, by the time it becomes visible; served by pull and push."""

    def __init__(self, timelines: dict[str, list[Any]], clock: Any, seed: int = 7,
                 tail: list[tuple[str, SimOrder, list[tuple[str, str, datetime]]]] = ()):
        """`tail`: (channel, order, remaining steps) of orders from elsewhere to carry on (sim/sandbox/tail.py)."""
        self.clock, self.registered, self.lock = clock, set(), threading.Lock()
        self.truth: dict[str, list[tuple[str, str, datetime]]] = {}
        events: list[SimEvent] = []
        for platform, tls in timelines.items():
            rng = random.Random(f"{seed}-fulfil-{platform}")
            for tl in tls:
                o = tl.order
                if o.paid is not None and o.cancelled is None and o.shipped is not None:
                    events.extend(self._emit(rng, platform, o, _steps(rng, o)))
        rng = random.Random(f"{seed}-fulfil-tail")
        for platform, o, steps in tail:
            events.extend(self._emit(rng, platform, o, steps))
        self.events = {k: sorted((e for e in events if e.kind == k), key=lambda e: (e.visible_at, e.sid))
                       for k in ROOTS}
        self.keys = {k: [(e.visible_at, e.sid) for e in evs] for k, evs in self.events.items()}

    def _emit(self, rng: random.Random, platform: str, o: SimOrder,
              steps: list[tuple[str, str, datetime]]) -> list[SimEvent]:
        """The feed's events of one order's true steps: each reported after a delay, ~3% twice."""
        self.truth[o.platform_order_id + "@" + platform] = steps
        out = []
        for kind, step, at in steps:
            sid = f"{kind[:3].upper()}-{platform}-{o.platform_order_id}-{step}"
            out.append(SimEvent(kind, sid, step, at, at + _delay(rng), platform, o))
            if rng.random() < 0.03:  # delivered twice
                out.append(SimEvent(kind, sid, step, at, out[-1].visible_at + _delay(rng), platform, o))
        return out

    def page(self, kind: str, cursor: str | None, limit: int) -> tuple[list[SimEvent], str | None, bool]:
        """Visible events after the cursor (`<visible_at>|<sid>|<n>`), at most `limit`, and the next cursor."""
        evs, keys, now = self.events[kind], self.keys[kind], self.clock.now()
        start = int(cursor.rsplit("|", 1)[1]) if cursor else 0
        end = bisect.bisect_right(keys, (now, "\uffff"))
        chunk = evs[start:min(end, start + limit)]
        if kind == "carrier":
            chunk = [e for e in chunk if e.order.tracking_no in self.registered]
        nxt = start + len(evs[start:min(end, start + limit)])
        return chunk, f"{now.isoformat()}|{nxt}" if nxt else cursor, nxt < end

    def route(self, req: Req) -> tuple[str, Any] | None:
        for kind, root in ROOTS.items():
            if req.path.startswith(root + "/"):
                return kind, lambda r, active, k=kind: self.answer(k, r)
        return None

    def answer(self, kind: str, req: Req) -> Reply:
        if req.headers.get("X-Api-Key") != SANDBOX_SECRETS[kind]["api_key"]:
            raise Refused(Reply(401, {"error": "unauthorized", "message": "X-Api-Key missing or wrong"}))
        what = req.path.removeprefix(ROOTS[kind])
        if kind == "carrier" and what == "/trackings" and req.method == "POST":
            numbers = json.loads(req.body or "{}").get("tracking_numbers", [])
            with self.lock:
                self.registered.update(str(n) for n in numbers)
            return Reply(200, {"registered": len(numbers)})
        if (kind, what) in (("wms", "/events"), ("carrier", "/updates")) and req.method == "GET":
            limit = max(1, min(500, int(req.query.get("limit") or 200)))
            chunk, nxt, more = self.page(kind, req.query.get("cursor") or None, limit)
            return Reply(200, {"events": [e.body() for e in chunk], "next_cursor": nxt, "has_more": more})
        return Reply(404, {"error": "not_found", "message": f"no {kind} API at {req.method} {req.path}"})


class Pusher:
    """Pushes newly visible events as signed webhooks to `<url>/events/<kind>`, every `every_s` seconds."""

    def __init__(self, fulfil: Fulfilment, url: str, every_s: float = 2.0, batch: int = 200):
        self.fulfil, self.url, self.every_s, self.batch = fulfil, url.rstrip("/"), every_s, batch
        self.cursor: dict[str, str | None] = dict.fromkeys(ROOTS)
        self.stop = threading.Event()

    def push_once(self) -> int:
        """Push what became visible since the last successful push; a refused or failed POST is retried."""
        import requests

        sent = 0
        for kind in ROOTS:
            while True:
                chunk, nxt, more = self.fulfil.page(kind, self.cursor[kind], self.batch)
                if kind == "carrier":  # a webhook carrier pushes every parcel, registered or not
                    chunk = self.fulfil.events[kind][_offset(self.cursor[kind]):_offset(nxt)]
                if chunk:
                    body = json.dumps({"events": [e.body() for e in chunk]}).encode()
                    sig = signature_header(SANDBOX_SECRETS[kind]["webhook_secret"], body)
                    reply = requests.post(f"{self.url}/events/{kind}", data=body, timeout=10,
                                          headers={"X-OrderHub-Signature": sig, "Content-Type": "application/json"})
                    if reply.status_code != 200:
                        break
                    sent += len(chunk)
                self.cursor[kind] = nxt
                if not more:
                    break
        return sent

    def run(self) -> None:
        while not self.stop.wait(self.every_s):
            try:
                self.push_once()
            except Exception as exc:  # the receiver is down: try again next round
                print(f"webhook push failed: {exc}", flush=True)


def _offset(cursor: str | None) -> int:
    return int(cursor.rsplit("|", 1)[1]) if cursor else 0
