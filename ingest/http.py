"""The one HTTP client every connector shares: timeouts, retry with back-off, a rate limit, typed errors.

    client = HttpClient(rate_per_s=2, secrets=[token])
    resp = client.request("GET", url, params={...}, check=connector.check)

Failures fall into a small tree, as in the Singer SDK:

- `RetriableError`: timeouts, connection errors, 5xx, 429 and platform "throttled" envelopes. Retried up to
  `max_retries` times with exponential back-off and full jitter, never sooner than `Retry-After`; after
  that the error ends the run cleanly (the watermark stays put and the next run tries again).
- `FatalError`: any other 4xx, bad credentials or signatures, a paginator loop. Not retried.
- one bad record is not an HTTP matter: the normalizer raises `BadRecord` and the pipeline quarantines it.

Credentials never reach a log line or an error message: every URL and message is passed through
`models.redact.Redactor`, which knows the secret values and the names of the parameters that carry them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from models.redact import Redactor

log = logging.getLogger(__name__)


class IngestError(Exception):
    """Base of the transport errors; the message is already redacted."""


class RetriableError(IngestError):
    """Worth trying again later: throttled, timed out, the server failed (5xx) or sent garbage."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class FatalError(IngestError):
    """Trying again will not help: bad credentials, a refused signature, a malformed request, a loop."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class TokenBucket:
    """A declared request rate: `rate` tokens a second, at most `burst` saved up. Thread-safe."""

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate, self.burst = rate, burst if burst is not None else max(1.0, rate)
        self.clock, self.sleep = clock, sleep
        self.tokens, self.stamp = self.burst, clock()
        self.lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until one is available; returns the seconds waited."""
        with self.lock:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            self.tokens -= 1
            wait = -self.tokens / self.rate if self.tokens < 0 else 0.0
        if wait > 0:
            self.sleep(wait)
        return wait


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date; None if absent/garbled."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


Check = Callable[[requests.Response], None]


@dataclass(frozen=True)
class Response:
    """A reply whose JSON body was parsed once and passed the connector's check: what connectors read."""

    status: int
    headers: Mapping[str, str]
    body: Any


JsonCheck = Callable[[Response], None]


@dataclass
class RequestStats:
    requests: int = 0
    http_errors: int = 0
    retries: int = 0
    waited_s: float = 0.0


class HttpClient:
    """A `requests.Session` with the retry policy, rate limit and redaction every connector needs."""

    def __init__(
        self,
        *,
        rate_per_s: float = 5.0,
        burst: float | None = None,
        timeout: float | tuple[float, float] = (5.0, 30.0),
        max_retries: int = 3,
        backoff_base_s: float = 1.0,
        backoff_cap_s: float = 60.0,
        max_retry_after_s: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        secrets: Iterable[str | None] = (),
        session: requests.Session | None = None,
    ):
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", "OrderHub-ingest/0.1")
        self.timeout, self.max_retries = timeout, max_retries
        self.backoff_base_s, self.backoff_cap_s, self.max_retry_after_s = (
            backoff_base_s,
            backoff_cap_s,
            max_retry_after_s,
        )
        self.sleep, self.rng = sleep, rng
        self.bucket = TokenBucket(rate_per_s, burst, sleep=sleep)
        self.redactor = Redactor()
        self.redactor.add(*secrets)
        self.stats = RequestStats()

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Full-jitter exponential delay for the given retry (0-based), never below `Retry-After`."""
        ceiling = min(self.backoff_cap_s, self.backoff_base_s * 2**attempt)
        return max(retry_after or 0.0, ceiling * self.rng())

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        data: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        check: Check | None = None,
    ) -> requests.Response:
        """Send one logical request, retrying what is retriable; returns a response that passed `check`."""
        for attempt in range(self.max_retries + 1):
            try:
                return self._attempt(method, url, params, json_body, data, headers, auth, check)
            except RetriableError as exc:
                if attempt >= self.max_retries:
                    raise RetriableError(
                        f"gave up after {attempt + 1} attempts: {exc}",
                        status=exc.status,
                        retry_after=exc.retry_after,
                    ) from exc
                if exc.retry_after is not None and exc.retry_after > self.max_retry_after_s:
                    raise RetriableError(
                        f"asked to wait {exc.retry_after:.0f}s, more than this run will: {exc}",
                        status=exc.status,
                        retry_after=exc.retry_after,
                    ) from exc
                delay = self.backoff(attempt, exc.retry_after)
                self.stats.retries += 1
                self.stats.waited_s += delay
                log.warning("retry %d/%d in %.2fs: %s", attempt + 1, self.max_retries, delay, exc)
                self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        data: str | bytes | None,
        headers: Mapping[str, str] | None,
        auth: tuple[str, str] | None,
        check: Check | None,
    ) -> requests.Response:
        self.stats.waited_s += self.bucket.acquire()
        self.stats.requests += 1
        shown = self.redactor.url(requests.Request(method, url, params=params).prepare().url or url)
        try:
            resp = self.session.request(
                method,
                url,
                params=params,
                json=json_body,
                data=data,
                headers=headers,
                auth=auth,
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            self.stats.http_errors += 1
            raise RetriableError(f"{method} {shown}: timed out ({exc.__class__.__name__})") from None
        except requests.ConnectionError as exc:
            self.stats.http_errors += 1
            raise RetriableError(f"{method} {shown}: connection failed ({exc.__class__.__name__})") from None
        log.debug("%s %s -> %d", method, shown, resp.status_code)
        try:
            self._classify(resp, f"{method} {shown}")
            if check is not None:
                check(resp)
        except IngestError:
            self.stats.http_errors += 1
            raise
        return resp

    def _classify(self, resp: requests.Response, what: str) -> None:
        status = resp.status_code
        if status < 400:
            return
        snippet = self.redactor.text(resp.text[:300])
        message = f"{what}: HTTP {status}: {snippet}"
        if status == 429 or status >= 500 or status == 408:
            raise RetriableError(
                message, status=status, retry_after=parse_retry_after(resp.headers.get("Retry-After"))
            )
        raise FatalError(message, status=status)

    def json(self, resp: requests.Response) -> Any:
        """The body as JSON; a body that does not parse is retriable (gateways garble bodies)."""
        try:
            return resp.json()
        except ValueError:
            raise RetriableError(
                f"{resp.request.method} {self.redactor.url(resp.url)}: body is not JSON: "
                f"{self.redactor.text(resp.text[:120])!r}",
                status=resp.status_code,
            ) from None

    def get_json(self, method: str, url: str, *, check: JsonCheck | None = None, **kwargs: Any) -> Response:
        """`request` + `json`, with a garbled body retried like any other transient failure."""
        passed: list[Response] = []

        def checked(raw: requests.Response) -> None:
            reply = Response(raw.status_code, raw.headers, self.json(raw))
            if check is not None:
                check(reply)
            passed.append(reply)

        self.request(method, url, check=checked, **kwargs)
        return passed[-1]

    def close(self) -> None:
        self.session.close()
