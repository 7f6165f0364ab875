"""TikTok Shop's write-back names the carrier by TikTok's shipping provider id of the order's delivery option,
over real HTTP against the sandbox: looked up (case and spaces ignored), kept per delivery option until it
expires, refused with the options named when the carrier is not offered, under throttling, an outage and an
expired access token. The sandbox refuses a provider id its delivery option does not offer.

The ids and names below are written out by hand from the sandbox's table (ingest/platforms/tiktok/sandbox.py):
even sandbox order numbers chose standard shipping (SF, J & T, NinjaVan, zto), odd ones express (SF only).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from ingest.config import load_channels
from ingest.events.pull import pull
from ingest.events.sources import load_sources
from ingest.http import FatalError
from ingest.pipeline import run_channel
from ingest.platforms import connector_class
from ingest.platforms.tiktok import connector as providers
from ingest.platforms.tiktok.connector import MARK_SHIPPED
from ingest.writeback.run import confirm_shipments
from ingest.writeback.shipment import Shipment
from models import lake
from models.db import connect
from models.settings import Settings
from models.versions import latest
from sim.sandbox.market import Clock
from sim.sandbox.server import Sandbox
from tests.events.test_writeback import NOW, _config, _shipped_by_warehouse, _writeback_exceptions
from tests.ingest.test_tokens import authorize_via_sandbox, counts

SF, JT, NINJA = "6617675021119438849", "6617675021119438850", "6617675021119438851"
STANDARD, EXPRESS = "7091146663229654785", "7091146663229654786"
# platform order id → the carrier the hub names (a newer version of the order) and the id TikTok must get
CARRIERS = {"570000000000000004": ("j&t", JT), "570000000000000002": ("Ninja Van", NINJA),
            "570000000000000010": ("YTO", None), "570000000000000005": ("ZTO", None)}


@pytest.fixture
def bare(data_dir):
    """The sandbox and a TikTok channel with write-back on; nothing pulled yet."""
    providers.CACHE.clear()  # another test's sandbox may have had this port
    sandbox = Sandbox(clock=Clock(NOW), orders_per_platform=12, days=3).start()  # a frozen clock
    settings = Settings(data_dir=data_dir)
    _config(settings, sandbox.url, ("tiktok",))
    yield sandbox, settings
    sandbox.stop()


@pytest.fixture
def tiktok(bare):
    """The hub has pulled the TikTok orders and the warehouse's handovers."""
    sandbox, settings = bare
    assert run_channel(_connector(settings).cfg, settings, now=sandbox.clock.now).outcome == "ok"
    pull(settings, load_sources(settings)["wms"])
    return bare


def _name_carriers(settings) -> dict[str, str]:
    """The hub's carrier of some orders changed by hand (a newer version); platform id → internal id."""
    db = connect(settings)
    try:
        ids = dict(db.con.execute("select platform_order_id, order_id from lake_orders where channel = 'tiktok'")
                   .fetchall())
    finally:
        db.close()
    current = latest(settings.lake_dir, "orders", [ids[p] for p in CARRIERS])
    lake.write(settings.lake_dir, "orders", [
        {**row, "carrier": CARRIERS[row["platform_order_id"]][0], "ingested_at": datetime.now(UTC)}
        for row in current.values()])
    return ids


def _connector(settings, clock=None):
    cfg = next(c for c in load_channels(settings) if c.channel == "tiktok")
    return connector_class("tiktok")(cfg, data_dir=settings.data_dir, **({"wall_clock": clock} if clock else {}))


def test_each_package_is_marked_with_the_provider_id_of_its_delivery_option_under_faults(tiktok):
    sandbox, settings = tiktok
    shipped = {pid for p, pid in _shipped_by_warehouse(sandbox) if p == "tiktok"}
    assert set(CARRIERS) <= shipped
    ids = _name_carriers(settings)
    authorize_via_sandbox(sandbox, settings, "tiktok")  # a stored grant: an expired token can be refreshed
    sandbox.faults.add("tiktok", "429", times=1, after=1, retry_after=0)
    sandbox.faults.add("tiktok", "503", times=1, after=2)
    sandbox.faults.add("tiktok", "expire_token", times=1, after=4)

    summary = confirm_shipments(settings, channel="tiktok")

    sent = {s.platform_order_id: c.body["shipping_provider_id"] for s, c in summary.calls}
    expected = {pid: CARRIERS.get(pid, ("SF", SF))[1] for pid in shipped}
    assert sent == {p: i for p, i in expected.items() if i is not None}
    assert set(sandbox.shipping.confirmations) == {("tiktok", p) for p in sent}
    assert summary.states == {"confirmed": len(sent), "refused": 2}
    assert sandbox.shipping.provider_lists == 2  # once per delivery option, not per order
    assert counts(sandbox, "tiktok") == {"issued": 2, "refreshes": 1}
    assert not sandbox.faults.listing().get("tiktok")  # every fault was met
    assert _writeback_exceptions(settings) == {ids["570000000000000010"], ids["570000000000000005"]}
    notes = dict(connect(settings).sql("select order_id, note from lake_exceptions "
                                       "where type = 'writeback_failed'").fetchall())
    assert "'YTO'" in notes[ids["570000000000000010"]] and "J & T, NinjaVan, SF, zto" in notes[
        ids["570000000000000010"]]
    assert "'ZTO'" in notes[ids["570000000000000005"]] and "offers: SF." in notes[ids["570000000000000005"]]


def test_the_provider_list_is_kept_per_delivery_option_until_it_expires(bare):
    sandbox, settings = bare
    now = [1_000_000.0]
    connector = _connector(settings, clock=lambda: now[0])

    def confirm(pid: str) -> str:
        call = connector.confirm_shipment(Shipment("OH", "tiktok", "x", pid, "SF9", "sf", NOW), send=False)
        return call.body["shipping_provider_id"]

    assert [confirm("570000000000000004"), confirm("570000000000000002")] == [SF, SF]  # both standard
    assert sandbox.shipping.provider_lists == 1
    now[0] += providers.TTL_S - 1
    assert confirm("570000000000000008") == SF and sandbox.shipping.provider_lists == 1
    assert confirm("570000000000000005") == SF and sandbox.shipping.provider_lists == 2  # express: its own list
    now[0] += 2
    assert confirm("570000000000000010") == SF and sandbox.shipping.provider_lists == 3  # standard's expired
    assert not sandbox.shipping.confirmations  # reads only


def test_the_sandbox_refuses_a_provider_its_delivery_option_does_not_offer(bare):
    sandbox, settings = bare
    connector = _connector(settings)
    express = "570000000000000005"
    path = MARK_SHIPPED.format(order_id=express)
    zto = "6617675021119438852"  # offered for standard shipping only
    with pytest.raises(FatalError, match="not a shipping provider"):
        connector.call("POST", path, {}, json.dumps({"tracking_number": "SF77", "shipping_provider_id": zto}))
    assert sandbox.shipping.refused == 1 and not sandbox.shipping.confirmations
    connector.call("POST", path, {}, json.dumps({"tracking_number": "SF77", "shipping_provider_id": SF}))
    assert sandbox.shipping.confirmations[("tiktok", express)] == {"tracking_no": "SF77", "carrier": "SF"}

    listing = f"{sandbox.url}{providers.PROVIDERS.format(delivery_option_id=STANDARD)}"
    unsigned = requests.get(listing, params={"app_key": "sandboxapp"}, timeout=5,
                            headers={"x-tts-access-token": "sandbox-tiktok-token"})
    assert unsigned.status_code == 401 and unsigned.json()["code"] == 106001
    with pytest.raises(FatalError, match="36009009"):
        connector.call("GET", providers.PROVIDERS.format(delivery_option_id="123"), {}, "")
    assert sandbox.shipping.provider_lists == 0
