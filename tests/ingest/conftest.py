"""Fixtures for ingest tests: a real sandbox marketplace on a free localhost port, a fresh data dir."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.config import ChannelConfig
from ingest.connectors import connector_class
from ingest.connectors.base import make_client
from ingest.http import HttpClient
from ingest.sandbox.market import SHOP_IDS, Clock
from ingest.sandbox.server import Sandbox
from models.settings import Settings

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PLATFORMS = ("shopify", "woocommerce", "shopee", "lazada", "tiktok")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sb = Sandbox(clock=Clock(T0), orders_per_platform=120, days=20).start()
    yield sb
    sb.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def channel(sb: Sandbox, platform: str, **overrides: object) -> ChannelConfig:
    """A sandbox channel tuned for tests: small pages (several per run), fast rate, short timeouts."""
    base = sb.url + ("/rest" if platform == "lazada" else "")
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
