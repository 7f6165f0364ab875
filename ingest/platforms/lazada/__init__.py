"""Lazada Open Platform. The declaration: connector, normalizer, status vocabulary, sandbox shapes."""

from __future__ import annotations

from ingest.platforms.base import Platform
from ingest.platforms.lazada import normalize, sandbox
from ingest.platforms.lazada.connector import LazadaConnector

PLATFORM = Platform(
    code="lazada",
    connector=LazadaConnector,
    normalizer=normalize,
    # The stages this platform can express, in lifecycle order, and its raw status for each.
    statuses={
        "pending_payment": "unpaid",
        "to_ship": "pending",
        "packed": "packed",
        "shipped": "shipped",
        "delivered": "delivered",
        "completed": "confirmed",
        "cancelled": "canceled",
        "returned": "returned",
    },
    sandbox=sandbox.SANDBOX,
)
