"""The sandbox warehouse's stock feed: what a WMS inventory API serves, under the same faults as the rest.

    GET /wms/v1/stock/movements?cursor=&limit=      X-Api-Key: sandbox-wms-key
    → {"records": [{"id", "type": "count"|"movement", "sku", "warehouse", "kind", "qty", "on_hand",
                    "safety_stock", "occurred_at", "ref"}], "next_cursor": "...", "has_more": bool}

A count opens each SKU's history (on hand at the market's start), then a receipt every seven days and a
few adjustments (damaged, found). Each record becomes visible a little after it happened, some of them
much later, so they arrive out of order; a record is sometimes served twice (a WMS retrying its outbox).
Paging is by an opaque cursor; faults (429, 503, slow, malformed) are the channel `stock`'s.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ingest.events.sources import SANDBOX_SECRETS
from sim.sandbox.apis import Refused, Reply, Req

ROOT = "/wms/v1/stock"
WAREHOUSE = "Sandbox-WH"


@dataclass(frozen=True)
class StockRecord:
    rid: str
    type: str  # count | movement
    sku: str
    kind: str
    qty: int
    occurred_at: datetime
    visible_at: datetime

    def body(self) -> dict[str, Any]:
        out = {"id": self.rid, "type": self.type, "sku": self.sku, "warehouse": WAREHOUSE,
               "occurred_at": self.occurred_at.isoformat(), "ref": f"WMS-{self.rid}"}
        if self.type == "count":
            return out | {"on_hand": self.qty, "safety_stock": 2}
        return out | {"kind": self.kind, "qty": self.qty}


def _history(rng: random.Random, sku: str, start: datetime, end: datetime) -> list[StockRecord]:
    out = [StockRecord(f"C-{sku}-0", "count", sku, "count", rng.randint(20, 60), start, start)]
    day, n = start, 0
    while day < end:
        day += timedelta(hours=rng.uniform(12, 36))
        n += 1
        if n % 7 == 0:
            kind, qty = "receipt", rng.randint(20, 40)
        elif rng.random() < 0.15:
            kind, qty = "adjustment", rng.choice([-2, -1, 1])
        else:
            continue
        late = timedelta(minutes=rng.uniform(10, 90)) if rng.random() < 0.1 else timedelta(seconds=rng.uniform(5, 60))
        out.append(StockRecord(f"M-{sku}-{n}", "movement", sku, kind, qty, day, day + late))
    return out


class StockFeed:
    """Every stock record by the time it becomes visible, served page by page."""

    def __init__(self, skus: list[str], clock: Any, start: datetime, days: float, seed: int = 7):
        rng = random.Random(f"{seed}-stock")
        records = [r for sku in skus for r in _history(rng, sku, start, start + timedelta(days=days))]
        records += [r for r in records if rng.random() < 0.03]  # served twice
        self.records = sorted(records, key=lambda r: (r.visible_at, r.rid))
        self.keys = [(r.visible_at, r.rid) for r in self.records]
        self.clock = clock

    def route(self, req: Req) -> tuple[str, Any] | None:
        if req.path.startswith(ROOT + "/"):
            return "stock", lambda r, active: self.answer(r)
        return None

    def answer(self, req: Req) -> Reply:
        if req.headers.get("X-Api-Key") != SANDBOX_SECRETS["wms"]["api_key"]:
            raise Refused(Reply(401, {"error": "unauthorized", "message": "X-Api-Key missing or wrong"}))
        if req.path != ROOT + "/movements" or req.method != "GET":
            return Reply(404, {"error": "not_found", "message": f"no stock API at {req.method} {req.path}"})
        cursor = req.query.get("cursor") or ""
        try:
            start = int(cursor.rsplit("|", 1)[1]) if cursor else 0
        except (IndexError, ValueError):
            return Reply(400, {"error": "bad_cursor", "message": f"cursor {cursor!r} was not issued here"})
        limit = max(1, min(500, int(req.query.get("limit") or 200)))
        end = bisect.bisect_right(self.keys, (self.clock.now(), "\uffff"))
        chunk = self.records[start:min(end, start + limit)]
        nxt = start + len(chunk)
        return Reply(200, {"records": [r.body() for r in chunk],
                           "next_cursor": f"{self.clock.now().isoformat()}|{nxt}" if nxt else cursor or None,
                           "has_more": nxt < end})
