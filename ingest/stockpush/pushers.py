"""The one table of stock pushers: platform code → its stock module's `resolve` and `push`.

    ids = PUSHERS["shopee"].resolve(connector, "SKN-001")              # "3000001/9000001" (or None)
    call = PUSHERS["shopee"].push(connector, ids, 4, send=False)        # the dry run's request

Each lives in `ingest/platforms/<code>/stock.py` beside the platform's connector; a test checks that every
registered platform has one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.platforms.lazada import stock as lazada
from ingest.platforms.shopee import stock as shopee
from ingest.platforms.shopify import stock as shopify
from ingest.platforms.tiktok import stock as tiktok
from ingest.platforms.woocommerce import stock as woocommerce
from ingest.writeback.shipment import Call


@dataclass(frozen=True)
class Pusher:
    resolve: Callable[[Any, str], str | None]  # (connector, seller SKU) → the platform's listing ids
    current: Callable[[Any, str], int | None]  # (connector, listing ids) → its quantity on the platform now
    push: Callable[..., Call]  # (connector, listing ids, quantity, send=True) → the request


PUSHERS: dict[str, Pusher] = {m.__name__.split(".")[-2]: Pusher(m.resolve, m.current, m.push)
                              for m in (shopify, woocommerce, shopee, lazada, tiktok)}
