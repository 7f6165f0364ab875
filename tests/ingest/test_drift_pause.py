"""Schema drift: payloads that fail normalization are quarantined, the channel pauses, others go on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ingest.pipeline import run_channel
from ingest.state import Watermarks
from models import channel_state
from models.auth import User
from models.db import connect
from tests.ingest.conftest import PLATFORMS, T0, Sleeps, channel, client_for


def run(sb, settings, platform, **overrides):
    cfg = channel(sb, platform, **overrides)
    return run_channel(cfg, settings, now=lambda: T0, client=client_for(cfg, Sleeps()))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_drift_quarantines_then_pauses_and_resume_recovers(sandbox, settings, platform) -> None:
    shop = channel(sandbox, platform).shop_id
    sandbox.faults.add(platform, "drift")
    result = run(sandbox, settings, platform, max_failures=5)
    assert result.outcome == "paused" and result.quarantined >= 5
    assert channel_state.pause_of(settings, platform, shop)["run_id"] == result.run_id
    assert Watermarks(settings.data_dir).get(platform, shop) is None
    con = connect(settings)
    failures = con.sql(
        "select type, note from exceptions where type in ('sync_failure', 'channel_paused')"
    ).fetchall()
    raw = con.sql("select count(*) from raw where channel = $c", {"c": platform}).fetchone()[0]
    runs = con.sql("select outcome, quarantined from channel_runs").fetchall()
    con.close()
    assert sum(t == "sync_failure" for t, _ in failures) == result.quarantined
    assert any(t == "channel_paused" for t, _ in failures)
    assert all("_v2" not in note and "field" in note for t, note in failures if t == "sync_failure")
    assert raw == result.fetched  # every payload kept verbatim, failed or not
    assert runs == [("paused", result.quarantined)]
    other = next(p for p in PLATFORMS if p != platform)
    assert run(sandbox, settings, other).outcome == "ok"  # other channels go on
    assert run(sandbox, settings, platform).outcome == "skipped_paused"
    sandbox.faults.clear(platform)
    alice = User("alice", "ops")
    assert channel_state.resume(settings, alice, platform, shop)
    assert not channel_state.resume(settings, alice, platform, shop)
    assert run(sandbox, settings, platform).outcome == "ok"
    con = connect(settings)
    actions = con.sql("select user, action, target_id from actions").fetchall()
    n = con.sql("select count(*) from orders where channel = $c", {"c": platform}).fetchone()[0]
    con.close()
    assert actions == [("alice", "resume_channel", f"{platform}/{shop}")]
    assert n == len(sandbox.market.order_ids(platform))


def test_a_few_bad_payloads_are_quarantined_without_pausing(sandbox, settings) -> None:
    # One reply drifts: the second. The first asks for all 30 days, overflows a page and is split; the
    # second asks for the older 15 days, which fit a page: its orders are the ones quarantined.
    sandbox.faults.add("shopify", "drift", times=1, after=1)
    result = run(sandbox, settings, "shopify", max_failures=100)
    older = sandbox.market.visible("shopify", updated_from=T0 - timedelta(days=30), updated_to=T0 - timedelta(days=15))
    assert result.outcome == "ok" and result.quarantined == len(older) > 0
    assert result.new == len(sandbox.market.order_ids("shopify")) - result.quarantined
    assert channel_state.pause_of(settings, "shopify", channel(sandbox, "shopify").shop_id) is None
