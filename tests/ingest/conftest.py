"""Shared helpers for the ingest tests: saved responses and the normalizer (shapes), a real sandbox
marketplace on a free localhost port and tuned channel configs (transport), a fresh data dir."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ingest.config import ChannelConfig
from ingest.connectors.base import make_client
from ingest.http import HttpClient
from ingest.normalize import registry
from ingest.normalize.base import NormalizedOrder
from ingest.platforms import PLATFORMS as DECLARED
from ingest.platforms import connector_class
from models.settings import Settings
from sim.sandbox.market import SHOP_IDS, Clock
from sim.sandbox.server import Sandbox

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


# -- transport: the sandbox and channel configs --------------------------------------------------
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PLATFORMS = tuple(DECLARED)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sb = Sandbox(clock=Clock(start=T0), orders_per_platform=120, days=20).start()  # a running clock
    yield sb
    sb.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def channel(sb: Sandbox, platform: str, **overrides: object) -> ChannelConfig:
    """A sandbox channel tuned for tests: small pages (several per run), fast rate, short timeouts."""
    base = sb.url + DECLARED[platform].sandbox.api_root
    cfg = ChannelConfig(
        platform,
        SHOP_IDS[platform],
        base,
        sandbox=True,
        rate_per_s=1000,
        page_size=25,
        timeout_s=2,
        connect_timeout_s=1,
        backoff_base_s=0.01,
        max_failures=5,
    )
    return replace(cfg, **overrides)  # type: ignore[arg-type]


class Sleeps(list):
    """An injectable sleep that records the delays instead of waiting them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(cfg: ChannelConfig, sleeps: Sleeps) -> HttpClient:
    return make_client(cfg, rate_per_s=connector_class(cfg.channel).rate_per_s, sleep=sleeps)
