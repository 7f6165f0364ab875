"""One moto S3 server for the whole test session, and a fresh bucket prefix per test as ORDERHUB_LAKE."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow.fs as pafs
import pytest

from models import objectstore
from models.settings import Settings
from tests.scale.s3server import moto_server

BUCKET = "orderhub-test"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def s3_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Credentials and endpoint in the environment, as a deployment sets them; the bucket exists."""
    env = {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret",
           "AWS_REGION": "us-east-1"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    fs = pafs.S3FileSystem(endpoint_override=s3_endpoint.removeprefix("http://"), scheme="http",
                           access_key="test-key", secret_key="test-secret", region="us-east-1",
                           allow_bucket_creation=True)
    fs.create_dir(BUCKET)
    return env


@pytest.fixture
def s3_settings(s3_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose lake is `s3://orderhub-test/<random>` (config and state stay in a local data dir)."""
    uri = f"s3://{BUCKET}/{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("ORDERHUB_LAKE", uri)
    monkeypatch.setenv("ORDERHUB_DATA", str(tmp_path))
    settings = Settings(data_dir=tmp_path)
    assert isinstance(settings.lake_dir, objectstore.ObjectPath)
    return settings
