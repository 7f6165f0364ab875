"""Paging under change, over real HTTP: the sandbox recomputes every page from its live market (its clock
runs) and its `churn` fault edits orders right after serving them, so each edited order leaves its place
and every later order moves up one.

The expected ids come from the sandbox's market, never from what the connector returned.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest

from ingest.connectors.windows import complete_windows, split_point
from ingest.pipeline import run_channel
from ingest.platforms import connector_class
from tests.ingest.conftest import PLATFORMS, T0, Sleeps, channel, client_for
from tests.ingest.test_connectors_e2e import lake_ids

SPAN = timedelta(days=15)  # Shopee's longest query span; the market holds about 90 orders per platform in it


def updated_before(sandbox, platform: str, lo, hi) -> set[str]:
    """The market's orders whose update time, as it stands now, is in [lo, hi)."""
    return {s.platform_order_id for s in sandbox.market.visible(platform, updated_from=lo, updated_to=hi)}


def connector(sandbox, platform: str):
    cfg = channel(sandbox, platform)
    return connector_class(platform)(cfg, client_for(cfg, Sleeps()))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_paging_by_offset_loses_the_orders_churn_moves_past_a_page_boundary(sandbox, platform) -> None:
    """The old way (one window paged through by offset, cursor or page number) against the same fault:
    orders that were never edited are skipped. This is what the new read must survive."""
    sandbox.faults.add(platform, "churn", orders=2)
    c = connector(sandbox, platform)
    got = {c.platform_order_id(r) for records, _ in c.pages(c.stream, T0 - SPAN, T0) for r in records}
    sandbox.faults.clear(platform)
    never_edited = updated_before(sandbox, platform, T0 - SPAN, T0)  # edited orders now sit after T0
    skipped = never_edited - got
    assert sandbox.market.touches >= 6  # 2 edits after each of at least 3 pages
    assert len(skipped) >= 2, f"the churn moved no order across a page boundary ({sandbox.market.touches} edits)"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_pull_finds_every_order_while_orders_change(sandbox, settings, platform) -> None:
    sandbox.faults.add(platform, "churn", orders=2)
    cfg = channel(sandbox, platform)
    first = run_channel(cfg, settings, now=lambda: T0, client=client_for(cfg, Sleeps()))
    edits = sandbox.market.touches
    assert first.outcome == "ok", first.error
    assert edits >= 6  # the churn really ran during this pull
    # Everything the watermark (T0) claims is in the lake; the edited orders now sit after it.
    claimed = updated_before(sandbox, platform, T0 - timedelta(days=30), T0)
    ids, _ = lake_ids(settings, platform)
    assert claimed - set(ids) == set()
    assert len(ids) == len(set(ids))  # each order once
    sandbox.faults.clear(platform)
    later = sandbox.clock.now() + timedelta(seconds=2)
    second = run_channel(cfg, settings, now=lambda: later, client=client_for(cfg, Sleeps()))
    assert second.outcome == "ok", second.error
    ids, _ = lake_ids(settings, platform)
    assert ids == sandbox.market.order_ids(platform)  # the edited ones too, each once


def test_a_window_too_narrow_to_split_is_read_until_two_passes_agree() -> None:
    """Orders leave a one-second window between the pages of its first pass: the second pass differs,
    the third equals it, and that one is kept."""
    lo = T0
    hi = T0 + timedelta(seconds=1)
    assert split_point(lo, hi) is None and split_point(lo, T0 + timedelta(seconds=3)) == lo + timedelta(seconds=1)
    passes = iter([[{"id": 1}, {"id": 3}], [{"id": 2}, {"id": 3}], [{"id": 3}, {"id": 2}]])
    read = complete_windows(
        lambda a, b: ([], True), lambda a, b: next(passes), lambda r: r["id"], lo, hi, target=10
    )
    assert list(read) == [[{"id": 3}, {"id": 2}]]


def test_windows_are_split_until_each_fits_one_page_and_read_oldest_first() -> None:
    """A fake platform holding one order a minute for an hour, pages of 10: every window read whole is
    one request that said "no more", and the windows tile the hour in order."""
    minutes = [T0 + timedelta(minutes=m) for m in range(60)]
    asked = []

    def first_page(a, b):
        asked.append((a, b))
        inside = [{"id": i} for i, at in enumerate(minutes) if a <= at < b]
        return inside[:10], len(inside) > 10

    read = list(complete_windows(first_page, None, lambda r: r["id"], T0, T0 + timedelta(hours=1), target=7))
    assert [r["id"] for records in read for r in records] == list(range(60))
    whole = [(a, b) for a, b in asked if sum(a <= at < b for at in minutes) <= 10]
    assert whole[0][0] == T0 and whole[-1][1] == T0 + timedelta(hours=1)
    assert all(prev[1] == nxt[0] for prev, nxt in pairwise(whole))
    assert len(asked) < 2 * len(whole) + 6  # splitting stays cheap once the density is known
