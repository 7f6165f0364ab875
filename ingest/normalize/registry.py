"""Platform code → its normalizer module, read from the platform registry, and one entry point.

registry.normalize("shopee", order, shop_id="sg-main", fetched_at=now, batch_id="b1")
"""

from __future__ import annotations

from datetime import datetime
from types import ModuleType

from ingest.normalize.base import NormalizedOrder
from ingest.normalize.status_map import StatusMap
from ingest.platforms import PLATFORMS as DECLARED
from ingest.platforms import UnknownPlatform, platform

__all__ = ["PLATFORMS", "UnknownPlatform", "module_for", "normalize", "orders_in_response"]

PLATFORMS: dict[str, ModuleType] = {code: p.normalizer for code, p in DECLARED.items()}


def module_for(code: str) -> ModuleType:
    return platform(code).normalizer


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
