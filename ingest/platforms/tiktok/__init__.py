"""TikTok Shop Partner API 202309. The declaration: connector, normalizer, status vocabulary, sandbox shapes."""

from __future__ import annotations

from ingest.platforms.base import Platform
from ingest.platforms.tiktok import normalize, sandbox
from ingest.platforms.tiktok.connector import TikTokConnector

PLATFORM = Platform(
    code="tiktok",
    connector=TikTokConnector,
    normalizer=normalize,
    # The stages this platform can express, in lifecycle order, and its raw status for each.
    statuses={
        "pending_payment": "UNPAID",
        "to_review": "ON_HOLD",
        "to_ship": "AWAITING_SHIPMENT",
        "packed": "AWAITING_COLLECTION",
        "shipped": "IN_TRANSIT",
        "delivered": "DELIVERED",
        "completed": "COMPLETED",
        "cancelled": "CANCELLED",
    },
    sandbox=sandbox.SANDBOX,
)
