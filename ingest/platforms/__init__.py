"""The one list of platforms OrderHub pulls through an API; everything per-platform derives from it.

    from ingest.platforms import PLATFORMS, platform
    platform("shopee").connector        # ShopeeConnector
    platform("shopee").normalizer       # the module with normalize() and orders_in_response()
    PLATFORMS["shopee"].render(sim)     # a sample order in Shopee's API shape (the sandbox's)

Each platform is one folder, `ingest/platforms/<code>/`: `__init__.py` (its `Platform` record),
`connector.py` (auth, signing, endpoint declarations), `normalize.py` (its shape → canonical rows) and
`sandbox.py` (its shapes as the sandbox serves them). Adding one: docs/architecture.md, "How to add a
platform". The connectors' table, the normalizers' table, the sandbox's shops, credentials, renderers and
faults, and the demo credentials in ingest/config.py are read from here.
"""

from __future__ import annotations

from ingest.connectors.base import Connector
from ingest.http import FatalError
from ingest.platforms import lazada, shopee, shopify, tiktok, woocommerce
from ingest.platforms.base import Platform

PLATFORMS: dict[str, Platform] = {
    m.PLATFORM.code: m.PLATFORM for m in (shopify, woocommerce, shopee, lazada, tiktok)
}


class UnknownPlatform(KeyError):
    """A platform code no folder declares; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0])


def platform(code: str) -> Platform:
    """The declaration of `code` (case-insensitive); UnknownPlatform naming the known ones otherwise."""
    try:
        return PLATFORMS[code.lower()]
    except KeyError:
        raise UnknownPlatform(f"unknown platform {code!r}; known: {', '.join(sorted(PLATFORMS))}") from None


def connector_class(channel: str) -> type[Connector]:
    """The connector of a configured channel; FatalError (the run's kind of error) for an unknown one."""
    try:
        return PLATFORMS[channel].connector
    except KeyError:
        raise FatalError(
            f"no API connector for channel {channel!r}; known: {', '.join(sorted(PLATFORMS))}"
        ) from None
