"""Shared helpers for the ingest tests: load a saved response, normalize one of its orders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ingest.normalize import registry
from ingest.normalize.base import NormalizedOrder

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FETCHED_AT = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)


def load(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def utc(text: str) -> datetime:
    """'2026-03-01T15:15:00Z' → aware UTC datetime (expected values are written in UTC by hand)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def normalize_all(platform: str, name: str, shop_id: str = "shop-1") -> dict[str, NormalizedOrder]:
    """Every order of a fixture response, by platform order id."""
    orders = registry.orders_in_response(platform, load(platform, name))
    results = [
        registry.normalize(platform, o, shop_id=shop_id, fetched_at=FETCHED_AT, batch_id="b-test")
        for o in orders
    ]
    return {r.order["platform_order_id"]: r for r in results}


def events(result: NormalizedOrder) -> dict[str, datetime]:
    return {e["event"]: e["occurred_at"] for e in result.events}


@pytest.fixture
def fetched_at() -> datetime:
    return FETCHED_AT
