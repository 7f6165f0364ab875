"""Listing ids: how a channel's sellable unit is named in `sku_map` and in the stock push.

Each platform's stock module (`ingest/platforms/<code>/stock.py`) names its listing by the ids its stock
call needs, joined by `/`: Shopify `<inventory_item_id>`, WooCommerce `<product_id>[/<variation_id>]`,
Shopee `<item_id>/<model_id>`, Lazada `<item_id>/<sku_id>`, TikTok Shop `<product_id>/<sku_id>`.
"""

from __future__ import annotations

from typing import Any

from ingest.http import FatalError


def channel_option(connector: Any, name: str, sandbox_default: object, platform: str) -> str:
    """A channel option the stock call needs (Shopify's location, TikTok's warehouse): configured, or the
    sandbox's for a `sandbox = true` channel; FatalError (never sent) when missing."""
    value = connector.cfg.options.get(name) or (sandbox_default if connector.cfg.sandbox else None)
    if value is None:
        raise FatalError(f"{connector.cfg.key}: options.{name} is not set ({platform} needs it for stock)")
    return str(value)


def listing_parts(platform: str, listing_id: str, *counts: int) -> list[int]:
    """The numeric parts of a listing id; FatalError (a refusal, never sent) when it has the wrong shape."""
    parts = str(listing_id).strip().split("/")
    if len(parts) not in counts or not all(p.isdigit() for p in parts):
        shapes = " or ".join(f"{n} number(s) joined by '/'" for n in counts)
        raise FatalError(f"{platform} listing id {listing_id!r}: expected {shapes}")
    return [int(p) for p in parts]
