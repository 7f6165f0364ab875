"""Item 11: one odd optional field never stops a channel.

Lazada's documented examples: created_at "2014-10-15 18:36:05 +0800", epoch milliseconds "1413786247000",
ISO "2024-12-09T10:30:00+06:00", and promised_shipping_times "2017-03-24 16:09:22" (local, no offset, in
the venture's zone), and the placeholder "s". The UTC instants below are worked out by hand.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from ingest.pipeline import run_channel
from ingest.platforms.lazada import normalize as lazada
from ingest.platforms.lazada.sandbox import PROMISE
from models import kpis, lake
from models.db import connect
from models.settings import Settings
from tests.ingest.conftest import FETCHED_AT, T0, Sleeps, channel, client_for, load, utc


def _order(**changes) -> dict:
    orders = lazada.orders_in_response(load("lazada", "orders_get.json"))
    order = lazada.with_items(copy.deepcopy(orders[0]), load("lazada", "orders_items_get.json"))
    order.update(changes)
    return order


def _normalize(order: dict):
    return lazada.normalize(order, shop_id="my", fetched_at=FETCHED_AT, batch_id="b")


@pytest.mark.parametrize(
    ("created", "country", "promised", "placed_utc", "ship_by_utc"),
    [
        ("2014-10-15 18:36:05 +0800", "Malaysia", "2017-03-24 16:09:22",
         "2014-10-15T10:36:05Z", "2017-03-24T08:09:22Z"),
        ("1413786247000", "Thailand", "2014-10-22 16:09:22", "2014-10-20T06:24:07Z", "2014-10-22T09:09:22Z"),
        ("1413786247000", "Vietnam", "2014-10-22 16:09:22", "2014-10-20T06:24:07Z", "2014-10-22T09:09:22Z"),
        ("1413786247000", "Philippines", "2014-10-22 16:09:22", "2014-10-20T06:24:07Z", "2014-10-22T08:09:22Z"),
        ("1413786247000", "Indonesia", "2014-10-22 16:09:22", "2014-10-20T06:24:07Z", "2014-10-22T09:09:22Z"),
        ("2024-12-09T10:30:00+06:00", "Malaysia", "2024-12-11 18:00:00",
         "2024-12-09T04:30:00Z", "2024-12-11T12:00:00Z"),
        ("2021-07-29 11:02:19 +0700", "Thailand", "", "2021-07-29T04:02:19Z", None),
    ],
)
def test_documented_lazada_times_are_read_in_the_ventures_zone(created, country, promised, placed_utc, ship_by_utc):
    order = _order(created_at=created, updated_at=None, promised_shipping_times=promised)
    order["address_shipping"] = {**order["address_shipping"], "country": country}
    result = _normalize(order)
    assert result.order["placed_at"] == utc(placed_utc)
    assert result.order["ship_by_at"] == (utc(ship_by_utc) if ship_by_utc else None)
    assert result.unreadable == [] and result.exceptions == []


@pytest.mark.parametrize("garbage", ["s", "next tuesday", {"at": 1}])
def test_an_unreadable_optional_time_is_left_empty_and_noted(garbage):
    result = _normalize(_order(promised_shipping_times=garbage))
    assert result.order["ship_by_at"] is None
    assert result.order["placed_at"] == utc("2026-03-01T10:36:05Z")  # the order itself is kept
    [(field, _)] = result.unreadable
    assert field == "ship_by_at"
    [exc] = result.exceptions
    assert (exc["type"], exc["severity"]) == ("unreadable_field", "low")
    assert exc["rule_id"] == "ingest.optional_field.ship_by_at"
    assert exc["detected_at"] == utc("2026-03-02T04:00:00Z")  # the order's updated_at, not the read time


def test_a_naive_time_without_any_zone_still_refuses_a_required_field():
    order = _order(created_at="2017-03-24 16:09:22")
    order["address_shipping"] = {**order["address_shipping"], "country": "Atlantis"}
    with pytest.raises(ValueError, match="created_at"):
        _normalize(order)


def test_unreadable_fields_are_counted_per_channel_and_field(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    results = [_normalize(_order(order_id=300 + n, promised_shipping_times="s")) for n in range(3)]
    results.append(_normalize(_order(order_id=400)))
    for table, attr in (("exceptions", "exceptions"), ("order_lines", "lines"), ("order_events", "events")):
        lake.write(settings.lake_dir, table, [row for r in results for row in getattr(r, attr)])
    lake.write(settings.lake_dir, "orders", [r.order for r in results])
    db = connect(settings)
    try:
        df = kpis.run(db, "quality_unreadable_fields", kpis.Scope(date(2026, 2, 1), date(2026, 3, 31)))
    finally:
        db.close()
    assert df[["channel", "field", "orders"]].to_dict("records") == [
        {"channel": "lazada", "field": "ship_by_at", "orders": 3}
    ]


def test_a_lazada_shop_pulls_every_order_with_local_promised_times(sandbox, settings):
    """Over HTTP: the sandbox writes promised_shipping_times as the docs do (local, no offset)."""
    cfg = channel(sandbox, "lazada")
    result = run_channel(cfg, settings, now=lambda: T0, client=client_for(cfg, Sleeps()))
    assert result.outcome == "ok", result.error
    assert result.fetched == len(sandbox.market.order_ids("lazada")) == result.new and result.rejected == 0
    db = connect(settings)
    try:
        rows = db.con.execute(
            "select platform_order_id, paid_at, ship_by_at from orders where channel = 'lazada'"
        ).fetchall()
    finally:
        db.close()
    sims = {s.platform_order_id: s for s in sandbox.market.visible("lazada")}
    paid = [(oid, ship_by) for oid, _, ship_by in rows if sims[oid].paid is not None]
    assert paid and all(ship_by == sims[oid].paid + PROMISE for oid, ship_by in paid)
    assert all(ship_by is None for oid, _, ship_by in rows if sims[oid].paid is None)
