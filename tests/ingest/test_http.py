"""The shared client's pieces on their own: back-off, Retry-After, the rate limit, redaction."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from ingest.http import HttpClient, Redactor, RetriableError, TokenBucket, parse_retry_after
from tests.ingest.conftest import Sleeps


def test_backoff_is_exponential_with_full_jitter_and_respects_retry_after() -> None:
    client = HttpClient(backoff_base_s=1, backoff_cap_s=10, rng=lambda: 1.0)
    assert [client.backoff(i, None) for i in range(5)] == [1, 2, 4, 8, 10]
    client.rng = lambda: 0.25
    assert client.backoff(2, None) == 1.0
    assert client.backoff(0, 7.0) == 7.0  # never sooner than the server asked


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("-1") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    when = datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC)
    assert parse_retry_after(format_datetime(when, usegmt=True), now=when.timestamp() - 30) == pytest.approx(
        30
    )


def test_token_bucket_waits_for_the_declared_rate() -> None:
    now = [0.0]
    sleeps = Sleeps()
    bucket = TokenBucket(2.0, burst=2, clock=lambda: now[0], sleep=sleeps)
    assert bucket.acquire() == 0 and bucket.acquire() == 0  # the burst
    assert bucket.acquire() == pytest.approx(0.5)  # then 2 a second
    now[0] += 1.0
    assert bucket.acquire() == pytest.approx(0.0)
    assert sleeps == [pytest.approx(0.5)]


def test_redaction_masks_secrets_and_signature_params() -> None:
    r = Redactor()
    r.add("supersecret-token")
    url = r.url("https://x/api?partner_id=1&access_token=supersecret-token&sign=abcdef123&page=2")
    assert "supersecret" not in url and "abcdef123" not in url and "page=2" in url and "partner_id=1" in url
    assert r.text("Bearer supersecret-token failed") == "Bearer *** failed"


def test_connection_refused_is_retriable_and_gives_up_after_three_retries() -> None:
    sleeps = Sleeps()
    client = HttpClient(sleep=sleeps, backoff_base_s=0.01, timeout=(0.2, 0.2), rate_per_s=1000)
    with pytest.raises(RetriableError, match="gave up after 4 attempts"):
        client.request("GET", "http://127.0.0.1:9/never?access_token=abcd1234")
    assert len(sleeps) == 3 and client.stats.http_errors == 4
