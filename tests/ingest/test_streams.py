"""The generic paging loop (`Connector.pages` over a declared `Stream`) against hand-built responses:
no HTTP, a connector whose `request_page` answers from a table and records what it was asked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from ingest.config import ChannelConfig
from ingest.connectors.base import Connector, Page
from ingest.connectors.paginators import CursorPaginator, PaginationError, Token
from ingest.connectors.stream import Stream
from ingest.http import FatalError, Response

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ORDERS = Stream(
    "fake.orders",
    "/orders",
    records_path="data.orders",
    paginator=lambda size: CursorPaginator(cursor=lambda b: b["data"].get("next")),
    primary_key="no",
)


def reply(orders: list | None, nxt: str | None = None) -> Response:
    return Response(200, {}, {"data": {"orders": orders, "next": nxt}})


class Fake(Connector):
    """Answers page tokens from `replies`; `asked` records (window, token) of every request."""

    platform = "fake"
    stream = ORDERS
    max_window = timedelta(days=1)

    def __init__(self, replies: dict[Token | None, Response]):
        super().__init__(ChannelConfig("fake", "s1", "http://127.0.0.1:9"))
        self.replies, self.asked = replies, []

    def request_page(self, stream: Stream, start: datetime, end: datetime, token: Token | None) -> Response:
        self.asked.append((stream.name, start, end, token))
        return self.replies[token]


def tokens(fake: Fake) -> list[Token | None]:
    return [token for *_, token in fake.asked]


def test_follows_each_token_and_stops_on_the_last_page() -> None:
    fake = Fake({None: reply([{"no": 1}, {"no": 2}], "a"), "a": reply([{"no": 3}], "b"), "b": reply([{"no": 4}])})
    pages = [records for records, _ in fake.pages(ORDERS, T0, T0 + timedelta(hours=1))]
    assert pages == [[{"no": 1}, {"no": 2}], [{"no": 3}], [{"no": 4}]]
    assert tokens(fake) == [None, "a", "b"]


def test_a_token_already_followed_is_refused_instead_of_looping() -> None:
    fake = Fake({None: reply([{"no": 1}], "a"), "a": reply([{"no": 2}], "b"), "b": reply([{"no": 3}], "a")})
    seen = []
    with pytest.raises(PaginationError, match="'a' was already followed"):
        for records, _ in fake.pages(ORDERS, T0, T0 + timedelta(hours=1)):
            seen += records
    assert tokens(fake) == [None, "a", "b"]  # the repeated token is never requested
    assert seen == [{"no": 1}, {"no": 2}, {"no": 3}]


def test_absent_or_null_records_are_an_empty_page_and_anything_else_is_fatal() -> None:
    assert ORDERS.records({"data": {"orders": None}}, "fake/s1") == []
    assert ORDERS.records({"data": None}, "fake/s1") == []
    assert ORDERS.records({}, "fake/s1") == []
    with pytest.raises(FatalError, match=r"fake/s1: fake.orders data.orders is not a JSON list: \"\{'no': 1\}\""):
        ORDERS.records({"data": {"orders": {"no": 1}}}, "fake/s1")
    with pytest.raises(FatalError, match=r"fake/s1: fake\.orders reply has no object at 'data\.orders'"):
        ORDERS.records(["not", "an", "object"], "fake/s1")
    whole = Stream("fake.list", "/list")  # records_path "": the reply itself is the list
    assert whole.records([{"no": 1}], "w") == [{"no": 1}]
    with pytest.raises(FatalError, match=r"w: fake\.list reply is not a JSON list"):
        whole.records(None, "w")


def test_a_stream_without_paginator_is_one_request() -> None:
    single = Stream("fake.one", "/one", records_path="data.orders")
    fake = Fake({None: reply([{"no": 1}], "ignored")})
    assert [r for r, _ in fake.pages(single, T0, T0 + timedelta(hours=1))] == [[{"no": 1}]]
    assert tokens(fake) == [None]


def test_fetch_cuts_the_window_into_the_platforms_spans_and_reads_each_whole() -> None:
    # Each span is asked once: its first page says there is no more, so it is complete.
    fake = Fake({None: reply([{"no": 1}])})
    pages = list(fake.fetch(T0, T0 + timedelta(days=1, hours=12)))
    assert [(p.kind, p.records) for p in pages] == [("fake.orders", [{"no": 1}])] * 2
    spans = [(start, end) for _, start, end, _ in fake.asked]
    day = T0 + timedelta(days=1)
    assert spans == [(T0, day), (day, day + timedelta(hours=12))]


def test_a_span_whose_first_page_says_more_is_split_not_paged() -> None:
    fake = Fake({None: reply([{"no": 1}], "a"), "a": reply([{"no": 2}])})
    fake.first_page(T0, T0 + timedelta(hours=1))
    assert fake.first_page(T0, T0 + timedelta(hours=1)) == ([{"no": 1}], True)
    assert tokens(fake) == [None, None]  # the next page is never asked for


def test_the_order_id_field_is_the_streams_primary_key() -> None:
    fake = Fake({})
    assert fake.id_field == "no"
    assert fake.platform_order_id({"no": 7}) == "7"
    assert fake.platform_order_id({"no": ""}) is None


class Enriched(Fake):
    """A platform whose list names orders that another call describes (Shopee, Lazada)."""

    def orders(self, records: list[dict]) -> Iterator[Page]:
        yield Page([{**r, "detail": True} for r in records], "fake.detail")


def test_orders_turns_each_page_of_records_into_order_payloads() -> None:
    fake = Enriched({None: reply([{"no": 1}])})
    assert [(p.kind, p.records) for p in fake.fetch_window(T0, T0 + timedelta(hours=1))] == [
        ("fake.detail", [{"no": 1, "detail": True}])
    ]
