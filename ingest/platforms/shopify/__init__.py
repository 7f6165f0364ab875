"""Shopify Admin REST API. The declaration: connector, normalizer, status vocabulary, sandbox shapes."""

from __future__ import annotations

from ingest.platforms.base import Platform
from ingest.platforms.shopify import normalize, sandbox
from ingest.platforms.shopify.connector import ShopifyConnector

PLATFORM = Platform(
    code="shopify",
    connector=ShopifyConnector,
    normalizer=normalize,
    # The stages this platform can express, in lifecycle order, and its raw status for each.
    # Shopify has no one status field: these are the keys normalize.py derives from several.
    statuses={
        "pending_payment": "pending",
        "to_ship": "paid",
        "shipped": "fulfilled",
        "delivered": "delivered",
        "cancelled": "cancelled",
        "refunded": "refunded",
        "returned": "restocked",
    },
    sandbox=sandbox.SANDBOX,
)
