"""The Connector base: what every platform shares, so each platform module only declares its differences.

A connector owns one shared `HttpClient` (rate limit, retries, redaction), cuts the incremental window
[start, end) into the platform's allowed spans, reads each span of its declared `stream` as windows that
each fit one request (`fetch_window`, ingest/connectors/windows.py: complete while orders change; the
generic paging loop `pages` only for a window too narrow to split), and yields pages of order payloads.
Where tokens expire, every request goes through `send` (ingest/tokens.py refreshes them). A platform declares its
streams and says how to send one page (`request_page`: auth, signing, the window's parameters). It does
not write anything: the pipeline does, then moves the watermark.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ingest.connectors.paginators import Paginator, Token
from ingest.connectors.stream import Payload, Stream
from ingest.connectors.windows import WindowStats, complete_windows
from ingest.http import FatalError, HttpClient, Response, RetriableError, parse_retry_after
from ingest.tokens import Keeper, reauthorize_hint

if TYPE_CHECKING:  # annotations only: ingest.config reads the platform registry, which imports this module
    from ingest.config import ChannelConfig


@dataclass
class Page:
    """One page of order payloads, each exactly as the platform sent it (one JSON object per order)."""

    records: list[Payload]
    kind: str  # the endpoint the records came from, kept with the raw payload


class Connector(ABC):
    """Declares a platform's API; `fetch(start, end)` yields its pages of orders for that window."""

    platform: ClassVar[str]
    rate_per_s: ClassVar[float] = 5.0  # the declared request-rate limit; a channel may lower it
    max_page_size: ClassVar[int] = 100
    max_window: ClassVar[timedelta | None] = None  # the longest span one query may cover
    stream: ClassVar[Stream]  # the paged endpoint that lists the window's orders
    side_streams: ClassVar[tuple[Stream, ...]] = ()  # endpoints it also calls (details, items)
    credential_names: ClassVar[tuple[str, ...]] = ()
    # Platforms whose access tokens expire: the class that refreshes and exchanges them (ingest/tokens.py),
    # and the error markers (code or envelope text) with which the platform refuses an expired token.
    auth_class: ClassVar[type | None] = None
    token_errors: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        cfg: ChannelConfig,
        client: HttpClient | None = None,
        wall_clock: Callable[[], float] = time.time,
        data_dir: Path | None = None,
    ):
        """`data_dir` holds the stored token grants; without it a channel uses its configured token."""
        self.cfg = cfg
        self.client = client or make_client(cfg, rate_per_s=self.rate_per_s)
        self.wall_clock = wall_clock
        self.base_url = cfg.base_url.rstrip("/")
        self.page_size = min(cfg.page_size or self.max_page_size, self.max_page_size)
        self.window_stats = WindowStats()
        self.tokens = None
        if self.auth_class is not None and data_dir is not None:

            self.tokens = Keeper(self, data_dir)
        self.creds = {name: self.credential(name) for name in self.credential_names}
        self.client.redactor.add(*self.creds.values())

    def credential(self, name: str) -> str:
        """A configured credential; the access token comes from the stored grant when there is one (and
        may be missing until the shop is authorized: `send` then says how)."""
        if name != "access_token" or self.tokens is None:
            return self.cfg.credential(name)
        stored = self.tokens.stored_access_token()
        if stored:
            return stored
        try:
            return self.cfg.credential(name)
        except FatalError:
            return ""

    @classmethod
    def endpoints(cls) -> tuple[Stream, ...]:
        """Every endpoint this connector calls (the sandbox serves exactly these)."""
        return (cls.stream, *cls.side_streams)

    # -- the window ------------------------------------------------------------------------------
    def windows(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """[start, end) in spans no longer than the platform allows, oldest first."""
        span = self.max_window or (end - start)
        lo = start
        while lo < end:
            hi = min(end, lo + span)
            yield lo, hi
            lo = hi

    def fetch(self, start: datetime, end: datetime) -> Iterator[Page]:
        for lo, hi in self.windows(start, end):
            yield from self.fetch_window(lo, hi)

    def fetch_window(self, start: datetime, end: datetime) -> Iterator[Page]:
        """Pages of order payloads updated in [start, end), complete even while orders change: each
        sub-window is read in one request (ingest/connectors/windows.py)."""
        windows = complete_windows(
            self.first_page,
            self.every_page,
            self.platform_order_id,
            start,
            end,
            target=max(1, self.page_size * 7 // 10),
            stats=self.window_stats,
        )
        for records in windows:
            if records:
                yield from self.orders(records)

    def first_page(self, start: datetime, end: datetime) -> tuple[list[Payload], bool]:
        """The first page of [start, end) and whether the platform says more pages follow."""
        paginator = self.stream.paginator(self.page_size) if self.stream.paginator else None
        resp = self.send(lambda: self.request_page(self.stream, start, end, paginator.token if paginator else None))
        records = self.stream.records(resp.body, self.cfg.key)
        more = paginator is not None and paginator.advance(resp.body, resp.headers, len(records)) is not None
        return records, more

    def every_page(self, start: datetime, end: datetime) -> list[Payload]:
        """Every record of [start, end), paging through (only for a window too narrow to split)."""
        paginator = self.stream.paginator(self.page_size) if self.stream.paginator else None
        out = [r for records, _ in self.pages(self.stream, start, end, paginator) for r in records]
        if getattr(paginator, "exhausted", False):
            raise FatalError(f"{self.cfg.key}: more orders share one second than the API lets a client page through")
        return out

    def orders(self, records: list[Payload]) -> Iterator[Page]:
        """The order payloads one page of stream records stands for; by default the records themselves."""
        yield Page(records, self.stream.name)

    # -- paging ----------------------------------------------------------------------------------
    @abstractmethod
    def request_page(self, stream: Stream, start: datetime, end: datetime, token: Token | None) -> Response:
        """Send the request for one page of `stream` in [start, end): its auth, signature and parameters."""

    def pages(
        self, stream: Stream, start: datetime, end: datetime, paginator: Paginator | None = None
    ) -> Iterator[tuple[list[Payload], Response]]:
        """Every page of `stream` in [start, end), following a fresh paginator (or the one given) from its
        start token until it says there is no next page; it refuses a token it already followed."""
        if paginator is None:
            paginator = stream.paginator(self.page_size) if stream.paginator else None
        token = paginator.token if paginator else None
        while True:
            resp = self.send(lambda t=token: self.request_page(stream, start, end, t))
            records = stream.records(resp.body, self.cfg.key)
            yield records, resp
            token = paginator.advance(resp.body, resp.headers, len(records)) if paginator else None
            if token is None:
                return

    def send(self, request: Callable[[], Response]) -> Response:
        """One request with a fresh access token where tokens expire: refreshed ahead of expiry, and once
        more (then the request again) when the platform refuses the token anyway (clock skew, revocation)."""
        if self.tokens is None:
            return request()
        self.creds["access_token"] = self.tokens.fresh(self.creds["access_token"])
        if not self.creds["access_token"]:
            hint = reauthorize_hint(self.cfg.channel, self.cfg.shop_id)
            raise FatalError(f"{self.cfg.key}: no access token yet; {hint}")
        try:
            return request()
        except FatalError as exc:
            if not any(marker in str(exc) for marker in self.token_errors):
                raise
            self.creds["access_token"] = self.tokens.after_refusal(self.creds["access_token"], str(exc))
            return request()

    # -- per record ------------------------------------------------------------------------------
    @property
    def id_field(self) -> str:
        """The platform order id inside one payload: the primary key of the listing stream."""
        return self.stream.primary_key

    def platform_order_id(self, payload: Payload) -> str | None:
        value = payload.get(self.id_field) if isinstance(payload, dict) else None
        return None if value in (None, "") else str(value)

    def check(self, resp: Response) -> None:  # noqa: B027 - optional hook, most platforms have none
        """Platform envelope check after a 2xx (error codes inside a 200); the default has none."""


def make_client(
    cfg: ChannelConfig, *, rate_per_s: float, sleep: Callable[[float], None] = time.sleep
) -> HttpClient:
    """The channel's client: its timeouts and retries; its rate is the connector's declared one unless
    the channel configures its own (a seller on a higher API tier)."""
    return HttpClient(
        rate_per_s=cfg.rate_per_s or rate_per_s,
        timeout=(cfg.connect_timeout_s, cfg.timeout_s),
        max_retries=cfg.max_retries,
        backoff_base_s=cfg.backoff_base_s,
        sleep=sleep,
    )


def epoch(at: datetime) -> int:
    return int(at.timestamp())


def iso_utc(at: datetime) -> str:
    """ISO 8601 in UTC with an explicit offset, second precision: what every REST API here accepts."""
    return at.astimezone(UTC).isoformat(timespec="seconds")


def throttled(message: str, resp: Response) -> RetriableError:
    """A platform's "slow down" envelope (inside any HTTP status), honouring its Retry-After if sent."""
    return RetriableError(
        message, status=resp.status, retry_after=parse_retry_after(resp.headers.get("Retry-After"))
    )
