"""Shopee Open Platform v2. The declaration: connector, normalizer, status vocabulary, sandbox shapes."""

from __future__ import annotations

from ingest.platforms.base import Platform
from ingest.platforms.shopee import normalize, sandbox
from ingest.platforms.shopee.connector import ShopeeConnector

PLATFORM = Platform(
    code="shopee",
    connector=ShopeeConnector,
    normalizer=normalize,
    # The stages this platform can express, in lifecycle order, and its raw status for each.
    statuses={
        "pending_payment": "UNPAID",
        "to_review": "PENDING",
        "to_ship": "READY_TO_SHIP",
        "packed": "PROCESSED",
        "shipped": "SHIPPED",
        "delivered": "TO_CONFIRM_RECEIVE",
        "completed": "COMPLETED",
        "cancelled": "CANCELLED",
        "returned": "TO_RETURN",
    },
    sandbox=sandbox.SANDBOX,
)
