"""Reading a time window completely while the platform's orders change under it.

    for records in complete_windows(first_page, every_page, order_id, start, end, target=70):
        ...   # each list is one window's whole content, windows oldest first

Offset, page-number and cursor paging (Shopee's `cursor` is documented as a starting offset) walk a list
the platform recomputes for every request. When an order already read is modified it leaves its place,
every later order moves up one, and the order at the page boundary is never served: the run still ends
"ok" and the watermark moves past it. So a window is never read in more than one request. A window
whose first page says there is more is split in two on a whole second and the halves are read again,
oldest first. One reply is one snapshot, windows are read in time order and an order's update time only
moves forward, so every order is served by the window that holds it when that window is read (the
argument is in docs/architecture.md, "Paging under change"). A window of one second that still
overflows a page is paged through and read again until two passes list the same orders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ingest.http import RetriableError

Records = list[dict[str, Any]]
FirstPage = Callable[[datetime, datetime], tuple[Records, bool]]  # (lo, hi) → (records, more pages?)
EveryPage = Callable[[datetime, datetime], Records]  # (lo, hi) → every record, paging through
ONE_SECOND = timedelta(seconds=1)
MAX_PASSES = 6  # reads of an unsplittable window before the run gives up (and keeps its watermark)


@dataclass
class WindowStats:
    """What reading the windows took: how many were read, split, and read again page by page."""

    windows: int = 0
    splits: int = 0
    passes: int = 0


def complete_windows(
    first_page: FirstPage,
    every_page: EveryPage,
    order_id: Callable[[dict[str, Any]], Any],
    start: datetime,
    end: datetime,
    *,
    target: int,
    stats: WindowStats | None = None,
) -> Iterator[Records]:
    """Each window of [start, end), oldest first, with everything it held when it was read."""
    stats = stats if stats is not None else WindowStats()
    lo, span = start, end - start
    while lo < end:
        hi = min(end, lo + max(span, ONE_SECOND))
        records, more = first_page(lo, hi)
        if more:
            mid = split_point(lo, hi)
            if mid is not None:
                stats.splits += 1
                span = mid - lo
                continue
            records = stable_read(every_page, order_id, lo, hi, stats)
        stats.windows += 1
        yield records
        span = next_span(hi - lo, len(records), target)
        lo = hi


def split_point(lo: datetime, hi: datetime) -> datetime | None:
    """A whole second strictly inside [lo, hi) as the APIs see it (they truncate to seconds); None when
    the window is one second wide and cannot be cut."""
    a, b = lo.replace(microsecond=0), hi.replace(microsecond=0)
    seconds = int((b - a).total_seconds())
    if seconds <= 1:
        return None
    return a + timedelta(seconds=seconds // 2)


def next_span(span: timedelta, count: int, target: int) -> timedelta:
    """The next window's width: sized so it should hold about `target` orders at the density just seen,
    at most four times wider and at least half as wide."""
    factor = min(4.0, max(0.5, target / max(count, 1)))
    return timedelta(seconds=max(1, int((span * factor).total_seconds())))  # whole seconds, as the APIs read


def stable_read(
    every_page: EveryPage, order_id: Callable[[dict[str, Any]], Any], lo: datetime, hi: datetime, stats: WindowStats
) -> Records:
    """Page through [lo, hi) until two passes in a row list the same orders: a pass that lost an order
    to a shift differs from the next one. RetriableError if the window never settles."""
    previous: set[Any] | None = None
    for _ in range(MAX_PASSES):
        stats.passes += 1
        records = every_page(lo, hi)
        listed = {order_id(r) for r in records}
        if listed == previous:
            return records
        previous = listed
    raise RetriableError(
        f"the orders updated in [{lo.isoformat()}, {hi.isoformat()}) kept changing over {MAX_PASSES} reads; "
        "the next run reads the window again"
    )
