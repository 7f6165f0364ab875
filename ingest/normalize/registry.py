"""Platform code → normalizer module, and one entry point that dispatches on it.

registry.normalize("shopee", order, shop_id="sg-main", fetched_at=now, batch_id="b1")
"""

from __future__ import annotations

from datetime import datetime
from types import ModuleType

from ingest.normalize import lazada, shopee, shopify, tiktok, woocommerce
from ingest.normalize.base import NormalizedOrder
from ingest.normalize.status_map import StatusMap

PLATFORMS: dict[str, ModuleType] = {m.PLATFORM: m for m in (shopify, woocommerce, shopee, lazada, tiktok)}


class UnknownPlatform(KeyError):
    """A platform code no normalizer exists for; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0])


def module_for(platform: str) -> ModuleType:
    try:
        return PLATFORMS[platform.lower()]
    except KeyError:
        raise UnknownPlatform(
            f"unknown platform {platform!r}; known: {', '.join(sorted(PLATFORMS))}"
        ) from None


def normalize(
    platform: str,
    payload: dict,
    *,
    shop_id: str,
    fetched_at: datetime,
    batch_id: str,
    status_map: StatusMap | None = None,
) -> NormalizedOrder:
    """Normalize one order object of `platform`; BadRecord when the payload cannot be read."""
    return module_for(platform).normalize(
        payload, shop_id=shop_id, fetched_at=fetched_at, batch_id=batch_id, status_map=status_map
    )


def orders_in_response(platform: str, body: dict | list) -> list[dict]:
    return module_for(platform).orders_in_response(body)
