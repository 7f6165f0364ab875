"""Tracking back to the platforms, end to end: the sandbox's warehouse ships orders, the hub pulls them and
confirms each on its platform (all five, under faults) exactly once; refused and failing ones are raised.

The expected confirmations come from the sandbox's own truth: the warehouse `shipped` events it had made
visible when the hub pulled (sim/sandbox/fulfil.py), never from the hub's tables.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import schedule

from ingest.config import load_channels
from ingest.events.pull import pull
from ingest.events.sources import load_sources
from ingest.http import FatalError
from ingest.pipeline import run_channel
from ingest.platforms import PLATFORMS, connector_class
from ingest.scheduler import Runner, build
from ingest.writeback.run import MAX_RUNS, confirm_shipments
from ingest.writeback.shipment import Shipment
from models import lake
from models.db import connect
from models.settings import Settings
from sim.sandbox.market import SHOP_IDS, Clock
from sim.sandbox.server import Sandbox

NOW = datetime(2026, 3, 4, 6, 0, tzinfo=UTC)


def _config(settings: Settings, url: str, writeback: tuple[str, ...]) -> None:
    settings.config_dir.mkdir(parents=True)
    (settings.config_dir / "channels.toml").write_text("".join(
        f'[[channel]]\nchannel = "{p}"\nshop_id = "{SHOP_IDS[p]}"\nbase_url = "{url}{PLATFORMS[p].sandbox.api_root}"\n'
        f'sandbox = true\nbackoff_base_s = 0.01\nrate_per_s = 1000\n'
        f'writeback = {str(p in writeback).lower()}\n\n' for p in PLATFORMS),
        encoding="utf-8")
    (settings.config_dir / "event_sources.toml").write_text(
        f'[[source]]\nname = "wms"\nkind = "wms"\nbase_url = "{url}/wms/v1"\nsandbox = true\n', encoding="utf-8")


def _shop(data_dir, writeback: tuple[str, ...] = tuple(PLATFORMS)):
    sandbox = Sandbox(clock=Clock(NOW), orders_per_platform=12, days=3).start()  # a frozen clock
    settings = Settings(data_dir=data_dir)
    _config(settings, sandbox.url, writeback)
    for cfg in load_channels(settings):
        assert run_channel(cfg, settings, now=sandbox.clock.now).outcome == "ok"
    pull(settings, load_sources(settings)["wms"])
    return sandbox, settings


@pytest.fixture
def shop(data_dir):
    sandbox, settings = _shop(data_dir)
    yield sandbox, settings
    sandbox.stop()


def _shipped_by_warehouse(sandbox: Sandbox) -> set[tuple[str, str]]:
    """(platform, order id) of every warehouse handover the sandbox had made visible: what must be confirmed."""
    return {(e.platform, e.order.platform_order_id) for e in sandbox.fulfil.events["wms"]
            if e.step == "shipped" and e.visible_at <= sandbox.clock.now()}


def _unknown_shipped_order(settings: Settings) -> str:
    """An order the platform does not know (a console scan of a mistyped order): its confirmation is refused."""
    at = NOW - timedelta(hours=1)
    lake.write(settings.lake_dir, "orders", [{
        "order_id": "OH-GHOST", "channel": "shopee", "shop_id": SHOP_IDS["shopee"], "platform_order_id": "9999999",
        "status": "shipped", "raw_status": "X", "currency": "SGD", "total_cents": 100, "tracking_no": "SFGHOST1",
        "carrier": "SF", "placed_at": at, "updated_at": at, "ingested_at": at}])
    lake.write(settings.lake_dir, "order_events", [{
        "event_id": "EV-GHOST", "order_id": "OH-GHOST", "event": "shipped", "source": "console", "actor": "packer",
        "occurred_at": at, "ingested_at": at, "batch_id": "t"}])
    return "OH-GHOST"


def _writeback_exceptions(settings: Settings) -> set[str]:
    db = connect(settings)
    try:
        rows = db.con.execute("select distinct order_id from lake_exceptions where type = 'writeback_failed' "
                              "and status = 'open'").fetchall()
    finally:
        db.close()
    return {r[0] for r in rows}


def test_every_platform_confirms_each_shipped_order_once_under_faults_and_a_refusal_is_raised(shop):
    sandbox, settings = shop
    expected = _shipped_by_warehouse(sandbox)
    assert {p for p, _ in expected} == set(PLATFORMS)  # every platform has shipments to confirm
    ghost = _unknown_shipped_order(settings)
    for p in PLATFORMS:  # throttled, down, a garbled reply after the confirmation was recorded
        sandbox.faults.add(p, "429", times=1, after=1, retry_after=0)
        sandbox.faults.add(p, "503", times=1, after=3)
        sandbox.faults.add(p, "malformed", times=1, after=5)

    summary = confirm_shipments(settings)

    assert set(sandbox.shipping.confirmations) == expected
    assert summary.states == {"confirmed": len(expected), "refused": 1}
    assert sandbox.shipping.refused == 1 and _writeback_exceptions(settings) == {ghost}
    assert sandbox.shipping.repeats <= len(PLATFORMS)  # only the garbled replies were sent again
    assert all(sandbox.faults.listing().get(p) in (None, []) for p in PLATFORMS)  # every fault was met

    repeats, again = sandbox.shipping.repeats, confirm_shipments(settings)
    assert again.calls == [] and sandbox.shipping.repeats == repeats and sandbox.shipping.refused == 1


def test_a_confirmation_that_keeps_failing_is_retried_then_raised(shop):
    sandbox, settings = shop
    woo = {pid for p, pid in _shipped_by_warehouse(sandbox) if p == "woocommerce"}
    sandbox.faults.add("woocommerce", "503")  # until cleared

    for run in range(1, MAX_RUNS + 1):
        summary = confirm_shipments(settings, channel="woocommerce")
        assert summary.states == {("failed" if run == MAX_RUNS else "retrying"): len(woo)}
        assert len(_writeback_exceptions(settings)) == (len(woo) if run == MAX_RUNS else 0)
    assert not sandbox.shipping.confirmations
    sandbox.faults.clear()
    assert confirm_shipments(settings, channel="woocommerce").calls == []  # failed is final: a person decides


def test_dry_run_sends_nothing_and_channels_stay_off_until_enabled(data_dir):
    sandbox, settings = _shop(data_dir, writeback=("shopee",))
    try:
        assert "writeback" in build(settings, schedule.Scheduler(), Runner(settings))  # `ingest serve` runs it
        shopee = {pid for p, pid in _shipped_by_warehouse(sandbox) if p == "shopee"}
        summary = confirm_shipments(settings, dry_run=True)
        assert {s.platform_order_id for s, _ in summary.calls} == shopee
        assert {s.channel for s, _ in summary.calls} == {"shopee"}
        assert all(c.path == "/api/v2/logistics/ship_order" and c.body["non_integrated"]["tracking_number"]
                   for _, c in summary.calls)
        assert not sandbox.shipping.confirmations and not lake.data_files(settings.lake_dir, "writebacks")
    finally:
        sandbox.stop()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_sandbox_refuses_bad_confirmations_in_the_platforms_own_way(data_dir, platform):
    sandbox = Sandbox(clock=Clock(NOW), orders_per_platform=4, days=3).start()
    settings = Settings(data_dir=data_dir)
    _config(settings, sandbox.url, (platform,))
    try:
        cfg = next(c for c in load_channels(settings) if c.channel == platform)
        connector = connector_class(platform)(cfg, data_dir=settings.data_dir)
        pid = sandbox.market.visible(platform)[0].platform_order_id
        for tracking, order in (("", pid), ("SF1", "4040404")):  # no tracking number; an order it lacks
            with pytest.raises(FatalError):
                connector.confirm_shipment(Shipment("OH-X", platform, cfg.shop_id, order, tracking, "SF", NOW))
        assert not sandbox.shipping.confirmations and sandbox.shipping.refused >= 1
    finally:
        sandbox.stop()
