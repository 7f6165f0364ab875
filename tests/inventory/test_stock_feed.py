"""The stock feed connector against the sandbox warehouse over real HTTP, with its faults.

The expected on hand per SKU is worked out from the sandbox's own records (each id once, only those
visible at the clock's time): the first count plus every movement after it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.http import HttpClient
from ingest.stock.feed import StockFeed, pull_stock
from models.settings import Settings
from sim.sandbox.market import Clock
from sim.sandbox.server import Sandbox
from tests.inventory.shop import query

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def expected(sandbox: Sandbox) -> dict[str, int]:
    seen, out = set(), {}
    for r in sandbox.stock.records:
        if r.visible_at <= sandbox.clock.now() and r.rid not in seen:
            seen.add(r.rid)
            out[r.sku] = out.get(r.sku, 0) + r.qty  # a count opens the history: on hand from there
    return out


@pytest.fixture
def sandbox():
    box = Sandbox(clock=Clock(NOW), orders_per_platform=2, days=10, future_days=10).start()
    yield box
    box.stop()


def test_feed_pages_through_faults_and_resumes_from_its_cursor(data_dir, sandbox):
    settings = Settings(data_dir=data_dir)
    feed = StockFeed("wms", sandbox.url + "/wms/v1", sandbox=True, page_size=15)
    sandbox.faults.add("stock", "429", times=1, retry_after=0.01)
    sandbox.faults.add("stock", "503", times=1, after=2)
    client = HttpClient(rate_per_s=1000, max_retries=3, backoff_base_s=0.01, sleep=lambda s: None)
    first = pull_stock(settings, feed, client)
    want = expected(sandbox)
    assert first.pages > 2 and not first.skipped
    on_hand = "select sku, on_hand from inventory_available where warehouse = 'Sandbox-WH' order by sku"
    assert dict(query(settings, on_hand)) == want
    again = pull_stock(settings, feed, client)
    assert (again.pages, again.counts, again.movements) == (1, 0, 0)  # the cursor is at the end
    sandbox.clock.freeze(NOW.replace(day=20))  # ten more days of receipts and adjustments
    later = pull_stock(settings, feed, client)
    assert later.movements > 0 and dict(query(settings, on_hand)) == expected(sandbox) != want
