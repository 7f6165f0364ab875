"""Each connector end to end over real HTTP against the sandbox, clean and under every fault.

The invariant every test checks: the lake holds exactly the sandbox's own order list, once per run.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from ingest.connectors.paginators import PaginationError
from ingest.pipeline import RunResult, run_channel
from ingest.platforms import connector_class
from ingest.state import Watermarks
from models.db import connect
from models.settings import Settings
from tests.ingest.conftest import PLATFORMS, T0, Sleeps, channel, client_for


def pull(sb, settings: Settings, platform: str, sleeps: Sleeps | None = None, **overrides) -> RunResult:
    cfg = channel(sb, platform, **overrides)
    return run_channel(
        cfg, settings, now=lambda: T0, client=client_for(cfg, sleeps if sleeps is not None else Sleeps())
    )


def lake_ids(settings: Settings, platform: str) -> tuple[list[str], int]:
    """Distinct platform order ids in the lake, and the number of order rows written (all versions)."""
    con = connect(settings)
    try:
        ids = [
            r[0]
            for r in con.sql(
                "select platform_order_id from orders where channel = $c order by 1", {"c": platform}
            ).fetchall()
        ]
        rows = con.sql(  # rows ingest wrote; routing adds versions of its own, stamped with its evaluation id
            "select count(*) from lake_orders where channel = $c and batch_id not like 'EV-%'", {"c": platform}
        ).fetchone()[0]
    finally:
        con.close()
    return ids, rows


@pytest.mark.parametrize("platform", PLATFORMS)
def test_clean_pull_gets_every_order_once(sandbox, settings, platform) -> None:
    result = pull(sandbox, settings, platform)
    expected = sandbox.market.order_ids(platform)
    assert result.outcome == "ok", result.error
    assert result.pages > 3 and result.fetched == len(expected) == result.new
    ids, rows = lake_ids(settings, platform)
    assert ids == sorted(expected) and rows == len(expected)
    assert Watermarks(settings.data_dir).get(platform, channel(sandbox, platform).shop_id) == T0
    again = pull(sandbox, settings, platform)  # the overlap window re-reads; nothing new is written
    assert again.outcome == "ok" and again.new == again.updated == 0
    assert lake_ids(settings, platform) == (ids, rows)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_throttled_requests_wait_retry_after_then_succeed(sandbox, settings, platform) -> None:
    sandbox.faults.add(platform, "429", times=2, after=1, retry_after=3)
    sleeps = Sleeps()
    result = pull(sandbox, settings, platform, sleeps)
    assert result.outcome == "ok", result.error
    assert result.http_errors == 2
    assert [s for s in sleeps if s >= 3] and len([s for s in sleeps if s >= 3]) == 2  # Retry-After honoured
    assert lake_ids(settings, platform)[0] == sandbox.market.order_ids(platform)


@pytest.mark.parametrize(("platform", "kind"), [(p, k) for p in PLATFORMS for k in ("503", "malformed")])
def test_server_errors_and_garbled_bodies_are_retried(sandbox, settings, platform, kind) -> None:
    sandbox.faults.add(platform, kind, times=2, after=2)
    sleeps = Sleeps()
    result = pull(sandbox, settings, platform, sleeps)
    assert result.outcome == "ok", result.error
    assert result.http_errors == 2 and len(sleeps) == 2
    assert sleeps[0] <= 0.01 and sleeps[1] <= 0.02  # exponential: base 0.01 s, doubled, with jitter
    assert lake_ids(settings, platform)[0] == sandbox.market.order_ids(platform)


@pytest.mark.parametrize("platform", ["shopify", "tiktok"])
def test_slow_response_times_out_and_is_retried(sandbox, settings, platform) -> None:
    sandbox.faults.add(platform, "slow", times=1, delay_s=1.0)
    result = pull(sandbox, settings, platform, timeout_s=0.3)
    assert result.outcome == "ok", result.error
    assert result.http_errors == 1
    assert lake_ids(settings, platform)[0] == sandbox.market.order_ids(platform)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_duplicated_pages_write_no_duplicates(sandbox, settings, platform) -> None:
    """A pull reads each window in one request, so repeated pages cannot reach it; the paged read it
    falls back on for a window too narrow to split does meet them, and the run's dedup absorbs them."""
    sandbox.faults.add(platform, "duplicate_pages")
    result = pull(sandbox, settings, platform)
    expected = sandbox.market.order_ids(platform)
    assert result.outcome == "ok", result.error
    ids, rows = lake_ids(settings, platform)
    assert ids == expected and rows == len(expected)
    connector = connector_class(platform)(channel(sandbox, platform), client_for(channel(sandbox, platform), Sleeps()))
    lo = T0 - timedelta(days=15)  # Shopee's longest span
    listed = [connector.platform_order_id(r) for r in connector.every_page(lo, T0)]
    in_span = {s.platform_order_id for s in sandbox.market.visible(platform, updated_from=lo, updated_to=T0)}
    assert len(listed) > len(set(listed)) and set(listed) == in_span  # the server really did repeat orders


@pytest.mark.parametrize("platform", PLATFORMS)
def test_failed_run_keeps_the_watermark_and_the_next_run_completes(sandbox, settings, platform) -> None:
    cfg = channel(sandbox, platform)
    marks = Watermarks(settings.data_dir)
    sandbox.faults.add(platform, "503", times=4, after=2)  # mid-run, beyond every retry
    failed = pull(sandbox, settings, platform)
    assert failed.outcome == "failed" and "503" in failed.error
    assert marks.get(platform, cfg.shop_id) is None and failed.watermark is None
    assert pull(sandbox, settings, platform).outcome == "ok"
    assert lake_ids(settings, platform)[0] == sandbox.market.order_ids(platform)
    sandbox.faults.add(platform, "503", times=4)
    later = run_channel(cfg, settings, now=lambda: T0.replace(hour=18), client=client_for(cfg, Sleeps()))
    assert later.outcome == "failed" and marks.get(platform, cfg.shop_id) == T0


@pytest.mark.parametrize("platform", ["shopify", "shopee", "tiktok"])
def test_repeated_page_token_is_refused_by_the_paged_read(sandbox, settings, platform) -> None:
    sandbox.faults.add(platform, "repeat_token")
    assert pull(sandbox, settings, platform).outcome == "ok"  # one request per window: no token to repeat
    connector = connector_class(platform)(channel(sandbox, platform), client_for(channel(sandbox, platform), Sleeps()))
    with pytest.raises(PaginationError, match="already followed"):
        connector.every_page(T0 - timedelta(days=15), T0)


@pytest.mark.parametrize("platform", ["shopee", "tiktok"])
def test_bad_credentials_are_fatal_and_redacted(sandbox, settings, platform, monkeypatch) -> None:
    cfg = channel(sandbox, platform, credentials={"access_token": "OH_TEST_TOKEN"})
    monkeypatch.setenv("OH_TEST_TOKEN", "wrong-secret-token-value")
    result = run_channel(cfg, settings, now=lambda: T0, client=client_for(cfg, Sleeps()))
    assert result.outcome == "fatal" and result.http_errors == 1
    assert "wrong-secret-token-value" not in result.error and "sign=" not in result.error.replace(
        "sign=***", ""
    )


def test_new_orders_are_routed_by_the_rules(sandbox, settings) -> None:
    """Every routable order a pull writes is evaluated by the rules at once (it has rule hits), and without any stock
    snapshot in this lake, routing cannot place an open order and says so with an out_of_stock exception."""
    pull(sandbox, settings, "shopify")
    con = connect(settings)
    try:
        routable = "status in ('to_review', 'to_ship')"
        assert con.sql(f"select count(*) from orders where {routable}").fetchone()[0] > 0
        unevaluated = con.sql(
            f"select count(*) from orders where {routable} and order_id not in (select order_id from rule_hits)")
        assert unevaluated.fetchone()[0] == 0
        open_unplaced = con.sql(
            "select count(*) from orders o where status in ('to_review', 'to_ship') and warehouse is null "
            "and not exists (select 1 from exceptions e where e.order_id = o.order_id and e.type = 'out_of_stock')")
        assert open_unplaced.fetchone()[0] == 0
    finally:
        con.close()
