"""Shared fixtures: a hand-made lake (values worked out on paper) in a temporary data dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.db import LakeConnection, connect
from models.settings import Settings
from tests import handmade

# Test users sign in hundreds of times: a cheap scrypt cost (models.auth.TEST_SCRYPT_N_ENV, tests only).
# tests/models/test_login_guard.py checks the real default and the rehash to it.
os.environ.setdefault("ORDERHUB_TEST_SCRYPT_N", str(2**10))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data dir that ORDERHUB_DATA points at for the test."""
    monkeypatch.setenv("ORDERHUB_DATA", str(tmp_path))
    return tmp_path


@pytest.fixture
def handmade_lake(data_dir: Path) -> Settings:
    settings = Settings(data_dir=data_dir)
    handmade.build(settings.lake_dir)
    return settings


@pytest.fixture
def handmade_db(handmade_lake: Settings) -> LakeConnection:
    db = connect(handmade_lake)
    yield db
    db.close()


@pytest.fixture
def triage_lake(data_dir: Path) -> Settings:
    """tests/triage_fixture.py's lake: orders waiting to be routed, stock, returns."""
    from tests import triage_fixture

    settings = Settings(data_dir=data_dir)
    triage_fixture.build(settings.lake_dir)
    return settings


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A small realistic demo lake (21 days × ~150 orders/day), generated once per test session."""
    from datetime import date

    from sim.demo import generate

    settings = Settings(data_dir=tmp_path_factory.mktemp("demo"))
    generate(settings.lake_dir, days=21, seed=11, orders_per_day=150, end=date(2026, 3, 8))
    return settings


@pytest.fixture
def analytics_lake(data_dir: Path) -> Settings:
    """tests/analytics_fixture.py's lake: the Analyze pages' hand-worked figures."""
    from tests import analytics_fixture

    settings = Settings(data_dir=data_dir)
    analytics_fixture.build(settings.lake_dir)
    return settings


@pytest.fixture
def analytics_db(analytics_lake: Settings) -> LakeConnection:
    db = connect(analytics_lake)
    yield db
    db.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files under tests/golden/ from the current output, then review the diff")
    parser.addoption("--screenshots-to", default=None, help="browser tests: also copy page screenshots here")
