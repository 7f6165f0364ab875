"""One connector per platform on a shared base; `connector_class(channel)` picks the class (FatalError if none)."""

from __future__ import annotations

from ingest.connectors.base import Connector
from ingest.connectors.lazada import LazadaConnector
from ingest.connectors.shopee import ShopeeConnector
from ingest.connectors.shopify import ShopifyConnector
from ingest.connectors.tiktok import TikTokConnector
from ingest.connectors.woocommerce import WooCommerceConnector
from ingest.http import FatalError

CONNECTORS: dict[str, type[Connector]] = {
    c.platform: c
    for c in (
        ShopifyConnector,
        WooCommerceConnector,
        ShopeeConnector,
        LazadaConnector,
        TikTokConnector,
    )
}


def connector_class(channel: str) -> type[Connector]:
    try:
        return CONNECTORS[channel]
    except KeyError:
        known = ", ".join(sorted(CONNECTORS))
        raise FatalError(f"no API connector for channel {channel!r}; known: {known}") from None
