"""Paginators against hand-built responses: where the next token comes from, and loops refused."""

from __future__ import annotations

import pytest

from ingest.connectors.paginators import (
    CursorPaginator,
    LinkHeaderPaginator,
    OffsetPaginator,
    PageNumberPaginator,
    PaginationError,
    link_targets,
)

SHOPIFY_LINK = (
    '<https://s.myshopify.com/admin/api/2024-10/orders.json?page_info=abc&limit=50>; rel="previous", '
    '<https://s.myshopify.com/admin/api/2024-10/orders.json?page_info=def&limit=50>; rel="next"'
)


def test_link_header_next_page_info() -> None:
    assert link_targets(SHOPIFY_LINK)["previous"].endswith("page_info=abc&limit=50")
    p = LinkHeaderPaginator()
    assert p.advance({"orders": []}, {"Link": SHOPIFY_LINK}, 50) == "def"
    assert p.advance({"orders": []}, {}, 10) is None  # no Link header: last page


def test_link_header_repeated_page_info_is_refused() -> None:
    p = LinkHeaderPaginator()
    p.advance({}, {"Link": SHOPIFY_LINK}, 50)
    with pytest.raises(PaginationError, match="already followed"):
        p.advance({}, {"Link": SHOPIFY_LINK}, 50)


def test_page_numbers_stop_at_total_pages() -> None:
    p = PageNumberPaginator()
    assert p.advance([{}] * 100, {"X-WP-TotalPages": "3"}, 100) == 2
    assert p.advance([{}] * 100, {"X-WP-TotalPages": "3"}, 100) == 3
    assert p.advance([{}] * 7, {"X-WP-TotalPages": "3"}, 7) is None
    assert PageNumberPaginator().advance([], {"X-WP-TotalPages": "0"}, 0) is None
    with pytest.raises(PaginationError):
        PageNumberPaginator().advance([{}], {"X-WP-TotalPages": "many"}, 1)


def test_shopee_cursor_more_and_next_cursor() -> None:
    p = CursorPaginator(cursor=lambda b: b["response"]["next_cursor"], more=lambda b: b["response"]["more"])
    assert p.advance({"response": {"more": True, "next_cursor": "20"}}, {}, 20) == "20"
    assert p.advance({"response": {"more": True, "next_cursor": "40"}}, {}, 20) == "40"
    with pytest.raises(PaginationError, match="'40'"):
        p.advance({"response": {"more": True, "next_cursor": "40"}}, {}, 20)
    done = CursorPaginator(
        cursor=lambda b: b["response"]["next_cursor"], more=lambda b: b["response"]["more"]
    )
    assert done.advance({"response": {"more": False, "next_cursor": ""}}, {}, 3) is None
    with pytest.raises(PaginationError, match="no cursor"):
        done.advance({"response": {"more": True, "next_cursor": ""}}, {}, 3)


def test_tiktok_next_page_token_empty_means_done() -> None:
    p = CursorPaginator(cursor=lambda b: b["data"].get("next_page_token"))
    assert p.advance({"data": {"next_page_token": "t1"}}, {}, 100) == "t1"
    assert p.advance({"data": {"next_page_token": ""}}, {}, 4) is None


def test_offsets_grow_while_pages_are_full_and_stop_at_the_cap() -> None:
    p = OffsetPaginator(limit=100, max_offset=200)
    assert p.advance({}, {}, 100) == 100
    assert p.advance({}, {}, 100) == 200
    assert p.advance({}, {}, 100) is None and p.exhausted
    short = OffsetPaginator(limit=100, max_offset=5000)
    assert short.advance({}, {}, 42) is None and not short.exhausted
