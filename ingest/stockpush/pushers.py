"""The one table of stock pushers: platform code → its `push(connector, listing_id, quantity, send)`.

    call = PUSHERS["shopee"](connector, "3000001/9000001", 4, send=False)   # the dry run's request

Each lives in `ingest/platforms/<code>/stock.py` beside the platform's connector; a test checks that every
registered platform has one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ingest.platforms.lazada import stock as lazada
from ingest.platforms.shopee import stock as shopee
from ingest.platforms.shopify import stock as shopify
from ingest.platforms.tiktok import stock as tiktok
from ingest.platforms.woocommerce import stock as woocommerce
from ingest.writeback.shipment import Call

Pusher = Callable[[Any, str, int, bool], Call]
PUSHERS: dict[str, Pusher] = {
    "shopify": shopify.push, "woocommerce": woocommerce.push, "shopee": shopee.push, "lazada": lazada.push,
    "tiktok": tiktok.push,
}
