"""A small lake of orders for the intake tests, and a signed poster for the real receiver."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from ingest.events.signature import signature_header
from ingest.events.sources import EventSource
from models import lake

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
SECRET = "test-wms-secret-1f2e"
SOURCES = {"wms": EventSource("wms", "wms", secrets={"webhook_secret": SECRET}),
           "carrier": EventSource("carrier", "carrier", secrets={"webhook_secret": "test-carrier-secret"})}


def order(n: int, *, tracking_no: str | None = None, status: str = "to_ship", placed: datetime = T0) -> dict:
    return {"order_id": f"OH-T{n}", "channel": "shopee", "shop_id": "s1", "platform_order_id": f"P{n}",
            "status": status, "raw_status": "X", "currency": "CNY", "total_cents": 1000, "warehouse": "Suzhou",
            "tracking_no": tracking_no, "placed_at": placed, "paid_at": placed + timedelta(minutes=5),
            "updated_at": placed + timedelta(minutes=5), "ingested_at": placed + timedelta(minutes=6)}


def write_orders(lake_dir: Path, *numbers: int, **kw) -> None:
    lake.write(lake_dir, "orders", [order(n, **kw) for n in numbers])


def post(url: str, body: object, *, secret: str | None = SECRET, t: int | None = None,
         raw: bytes | None = None, source: str = "wms") -> requests.Response:
    data = raw if raw is not None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-OrderHub-Signature"] = signature_header(secret, data, t if t is not None else int(time.time()))
    return requests.post(f"{url}/events/{source}", data=data, headers=headers, timeout=10)


def ev(sid: str, event: str, minutes: float, **ref) -> dict:
    ref = ref or {"order_id": "OH-T1"}
    return {"id": sid, "event": event, "occurred_at": (T0 + timedelta(minutes=minutes)).isoformat(), **ref}
