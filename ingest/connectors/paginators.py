"""Paginators: given one page's body and headers, the token of the next page, or None at the end.

They are separate from the connectors so each is tested on its own with hand-built responses (the
Singer SDK habit). Every paginator refuses a token it has already followed: a server that hands back
the same cursor would otherwise loop forever, re-ingesting one page.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ingest.http import FatalError

Token = str | int


class PaginationError(FatalError):
    """The server sent a page token this run already followed, or an impossible page position."""


class Paginator(ABC):
    """Tracks the tokens followed so far; subclasses say where the next token is."""

    def __init__(self, start: Token | None = None):
        self.token: Token | None = start
        self.seen: set[Token] = set() if start is None else {start}
        self.pages = 0

    def advance(self, body: Any, headers: Mapping[str, str], count: int) -> Token | None:
        """Record one fetched page of `count` records; return the next token, or None when done."""
        self.pages += 1
        token = self.next_token(body, headers, count)
        if token is None or token == "":
            self.token = None
            return None
        if token in self.seen:
            raise PaginationError(
                f"page token {token!r} was already followed in this run (after page {self.pages})"
            )
        self.seen.add(token)
        self.token = token
        return token

    @abstractmethod
    def next_token(self, body: Any, headers: Mapping[str, str], count: int) -> Token | None: ...


_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?', re.IGNORECASE)


def link_targets(header: str | None) -> dict[str, str]:
    """rel → URL of an RFC 8288 `Link` header."""
    return {rel.lower(): url for url, rel in _LINK.findall(header or "")}


class LinkHeaderPaginator(Paginator):
    """Shopify REST: the next page's `page_info` is in the `Link` header's rel="next" URL."""

    def next_token(self, body: Any, headers: Mapping[str, str], count: int) -> Token | None:
        nxt = link_targets(headers.get("Link") or headers.get("link")).get("next")
        if not nxt:
            return None
        values = parse_qs(urlsplit(nxt).query).get("page_info")
        if not values:
            raise PaginationError(f"Link rel=next without page_info: {nxt}")
        return values[0]


class PageNumberPaginator(Paginator):
    """WordPress/WooCommerce: pages 1..N, N in the `X-WP-TotalPages` header."""

    def __init__(self, start: int = 1, total_header: str = "X-WP-TotalPages"):
        super().__init__(start)
        self.total_header = total_header

    def next_token(self, body: Any, headers: Mapping[str, str], count: int) -> Token | None:
        raw = headers.get(self.total_header)
        try:
            total = int(raw) if raw is not None else None
        except ValueError:
            raise PaginationError(f"{self.total_header} is not a number: {raw!r}") from None
        current = int(self.token or 1)
        if count == 0 or total is None or current >= total:
            return None
        return current + 1


class CursorPaginator(Paginator):
    """A cursor in the body: Shopee (`more` + `next_cursor`), TikTok (`next_page_token`)."""

    def __init__(self, cursor: Callable[[Any], Token | None], more: Callable[[Any], bool] | None = None):
        super().__init__(None)
        self.cursor, self.more = cursor, more

    def next_token(self, body: Any, headers: Mapping[str, str], count: int) -> Token | None:
        if self.more is not None and not self.more(body):
            return None
        token = self.cursor(body)
        if self.more is not None and not token:
            raise PaginationError("the server says there is more but sent no cursor")
        return token


class OffsetPaginator(Paginator):
    """Lazada: `offset` grows by `limit` while pages come back full, up to the API's `max_offset`."""

    def __init__(self, limit: int, max_offset: int | None = None):
        super().__init__(0)
        self.limit, self.max_offset = limit, max_offset
        self.exhausted = False  # True when the offset cap stopped us, not the data

    def next_token(self, body: Any, headers: Mapping[str, str], count: int) -> Token | None:
        if count < self.limit:
            return None
        nxt = int(self.token or 0) + self.limit
        if self.max_offset is not None and nxt > self.max_offset:
            self.exhausted = True
            return None
        return nxt
