"""WooCommerce REST API v3. The declaration: connector, normalizer, status vocabulary, sandbox shapes."""

from __future__ import annotations

from ingest.platforms.base import Platform
from ingest.platforms.woocommerce import normalize, sandbox
from ingest.platforms.woocommerce.connector import WooCommerceConnector

PLATFORM = Platform(
    code="woocommerce",
    connector=WooCommerceConnector,
    normalizer=normalize,
    # The stages this platform can express, in lifecycle order, and its raw status for each.
    statuses={
        "pending_payment": "pending",
        "to_ship": "processing",
        "completed": "completed",
        "cancelled": "cancelled",
        "refunded": "refunded",
    },
    sandbox=sandbox.SANDBOX,
)
