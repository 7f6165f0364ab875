"""The Data quality page's whole-lake figures, read from the mart's rollup and counted by key, equal the old
full scans exactly: after a full build, after an incremental refresh, after a compaction, in several zones.

The reference figures are the queries as they were before the rollup (OLD_*, verbatim), run over the live
views of a small synthetic lake (bench/synth.py: several channels, currencies and warehouses, superseded
order versions, the new year inside) with hand-made rows laid over it: orders placed on either side of
the new year in zones from -12 h to +14 h and at +5:45, blank and null fields, null and blank warehouses,
unknown and pending statuses, shipped orders without a carrier, re-ingested rows, and a batch that fills a
field, ships an order and moves an order's placing across the year.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from bench import synth
from models import facts_mart, kpis, lake
from models.db import connect
from models.facts_mart import mart_dir, read_manifest
from models.ids import event_id
from models.settings import Settings

OLD_COMPLETENESS = """
with facts as (
    select
        channel,
        year(timezone($tz, placed_at)) as year,
        filled_platform_order_id as platform_order_id,
        filled_buyer_id as buyer_id,
        filled_receiver_name as receiver_name,
        filled_receiver_phone as receiver_phone,
        filled_receiver_province as receiver_province,
        filled_receiver_city as receiver_city,
        filled_receiver_address as receiver_address,
        filled_warehouse as warehouse,
        case when shipped_at is not null then filled_carrier end as carrier,
        case when shipped_at is not null then filled_tracking_no end as tracking_no,
        case when status not in ('pending_payment', 'cancelled', 'unknown') then paid_at is not null end as paid_at
    from order_facts
    where (len($channels) = 0 or list_contains($channels, channel))
      and (len($shops) = 0 or list_contains($shops, shop_id))
      and (len($warehouses) = 0 or list_contains($warehouses, warehouse))
)
select year, channel, field, count(filled) as orders, avg(filled::int) as completeness
from (unpivot facts on columns(* exclude (channel, year)) into name field value filled)
group by all
order by year, channel, field"""

OLD_DUPLICATES = """
select table_name, lake_rows, current_rows, lake_rows - current_rows as merged
from (values
    ('orders', (select count(*) from lake_orders), (select count(*) from orders)),
    ('order_lines', (select count(*) from lake_order_lines), (select count(*) from order_lines)),
    ('order_events', (select count(*) from lake_order_events), (select count(*) from order_events)),
    ('exceptions', (select count(*) from lake_exceptions), (select count(*) from exceptions)),
    ('actions', (select count(*) from lake_actions), (select count(*) from actions)),
    ('returns', (select count(*) from lake_returns), (select count(*) from returns)),
    ('raw', (select count(*) from lake_raw), (select count(*) from raw))
) t(table_name, lake_rows, current_rows)"""

# -12 h, +14 h, +5:45, -3:30 (with DST), the console's default, UTC
ZONES = ("Etc/GMT+12", "Pacific/Kiritimati", "Asia/Kathmandu", "America/St_Johns", "Asia/Shanghai", "UTC")
# the incremental and re-pointed marts are checked in the day line's two ends and a quarter-hour zone: the
# full build's six zones cost three times as long and the rollup's zone handling is the same code
FEW_ZONES = ("Etc/GMT+12", "Pacific/Kiritimati", "Asia/Kathmandu")
SCOPES = (kpis.Scope(datetime(2026, 3, 1).date(), datetime(2026, 3, 7).date()),
          kpis.Scope(datetime(2026, 3, 1).date(), datetime(2026, 3, 1).date(), channels=("tmall", "edge")),
          kpis.Scope(datetime(2026, 3, 1).date(), datetime(2026, 3, 1).date(), warehouses=("Hefei", "")),
          kpis.Scope(datetime(2026, 3, 1).date(), datetime(2026, 3, 1).date(), shops=("edge-1",)))
NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
# instants around the new year (UTC) where some zone's year turns: Kiritimati (+14), Shanghai (+8), Kathmandu
# (+5:45), UTC, St John's (-3:30), -12
EDGES = [NEW_YEAR + timedelta(hours=h, microseconds=us) for h in (-14, -8, -5.75, 0, 3.5, 12) for us in (-1, 0)]


def edge_order(n: int, placed: datetime, **fields) -> dict:
    row = {"order_id": f"OH-EDGE{n}", "channel": "edge" if n % 3 else None, "shop_id": f"edge-{n % 2}",
           "platform_order_id": f"E{n}" if n % 4 else "", "buyer_id": None if n % 5 else "b",
           "receiver_name": "" if n % 2 else "Li", "receiver_phone": "138", "receiver_city": None,
           "warehouse": (None, "", "Hefei")[n % 3], "carrier": None if n % 2 else "SF",
           "tracking_no": "" if n % 3 else "T1",
           "status": ("unknown", "pending_payment", "shipped", "cancelled")[n % 4],
           "raw_status": "X", "currency": "CNY", "total_cents": 100, "placed_at": placed,
           "paid_at": placed if n % 2 else None, "updated_at": placed, "ingested_at": placed}
    return {**row, **fields}


def shipped(n: int, at: datetime) -> dict:
    oid = f"OH-EDGE{n}"
    return {"event_id": event_id(oid, "shipped", "wms", at), "order_id": oid, "event": "shipped", "source": "wms",
            "occurred_at": at, "ingested_at": at}


@pytest.fixture
def tricky_lake(data_dir) -> Settings:
    settings = Settings(data_dir=data_dir)
    d = settings.lake_dir
    synth.generate(d, 3_000, chunk=1_000, progress=False)
    edges = [edge_order(n, at) for n, at in enumerate(EDGES)]
    lake.write(d, "orders", edges)
    lake.write(d, "orders", edges[:5])  # re-ingested: exact copies
    lake.write(d, "order_events", [shipped(n, at + timedelta(hours=1)) for n, at in enumerate(EDGES) if n % 4 == 2])
    lake.write(d, "returns", [{"return_id": "R1", "line_no": 1, "order_id": "OH-EDGE2", "qty": 1,
                               "requested_at": EDGES[2] + timedelta(days=3)}] * 2)
    lake.write(d, "raw", [{"channel": "edge", "sha256": "abc", "fetched_at": at, "payload": "{}"}
                          for at in (EDGES[0], EDGES[-1] + timedelta(days=40))])  # one payload fetched twice
    return settings


def old_and_new(settings: Settings, zones: tuple[str, ...] = ZONES) -> None:
    """Every zone and scope: the rollup on the console's connection and on the live views equal the old scans."""
    for zone in zones:
        zoned = replace(settings, timezone=zone)
        live, console = connect(zoned), connect(zoned, materialize=True)
        try:
            for scope in SCOPES:
                params = {"tz": zone, "channels": list(scope.channels), "shops": list(scope.shops),
                          "warehouses": list(scope.warehouses)}
                old = live.query(OLD_COMPLETENESS, params)
                assert not old.empty
                if scope == SCOPES[0]:  # the whole lake: both years, every channel and field
                    assert len(old) > 100 and old["year"].nunique() == 2
                for db in (console, live):
                    pd.testing.assert_frame_equal(kpis.run(db, "quality_completeness", scope), old, check_exact=True)
            old = live.query(OLD_DUPLICATES)
            assert (old["merged"] > 0).sum() >= 3  # superseded versions and re-ingested copies
            for db in (console, live):
                pd.testing.assert_frame_equal(kpis.run(db, "quality_duplicates", SCOPES[0]), old, check_exact=True)
        finally:
            live.close()
            console.close()


def test_rollup_and_key_counts_equal_the_old_full_scans(tricky_lake: Settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(kpis.CAPPED, "quality_duplicates", "64MB")
    old_and_new(tricky_lake)
    built = read_manifest(mart_dir(tricky_lake))
    assert built.mode == "full" and set(built.quality) == set(built.parts)
    rows = connect(tricky_lake, materialize=True).query("select count(*) as n from quality_rollup")["n"][0]
    assert rows < built.rows * 11  # a rollup: fewer rows than one per order and field

    # an ingest batch: a field filled, an order shipped (carrier and tracking now apply), a placing moved from
    # one side of the new year to the other, a new order at the edge, re-ingested copies
    d, later = tricky_lake.lake_dir, datetime(2026, 2, 1, tzinfo=UTC)
    lake.write(d, "orders", [edge_order(1, EDGES[1], receiver_name="Wang", updated_at=later, ingested_at=later),
                             edge_order(3, EDGES[8], updated_at=later, ingested_at=later),  # placed again: 2026
                             edge_order(8, EDGES[3], updated_at=later, ingested_at=later),  # placed again: 2025
                             edge_order(40, EDGES[6] + timedelta(minutes=7))])
    lake.write(d, "order_events", [shipped(1, later), shipped(0, later)])
    lake.write(d, "order_events", [shipped(1, later)])
    old_and_new(tricky_lake, FEW_ZONES)
    assert read_manifest(mart_dir(tricky_lake)).mode == "incremental"

    for table in ("orders", "order_lines", "order_events", "exceptions", "actions", "returns", "raw"):
        lake.compact(d, table)
    old_and_new(tricky_lake, FEW_ZONES)
    assert read_manifest(mart_dir(tricky_lake)).mode == "repointed"


def test_a_mart_without_rollups_gets_them_from_its_month_files(handmade_lake: Settings):
    """A mart written before the rollups (or by other rollup SQL) keeps its facts: only the rollups are made."""
    facts_mart.refresh(handmade_lake)
    path = mart_dir(handmade_lake) / facts_mart.MANIFEST
    before = json.loads(path.read_text())
    for stale in ({"quality": {}, "rollups": ""}, {"rollups": "made by other SQL"}):
        path.write_text(json.dumps({**before, **stale}))
        facts_mart.refresh(handmade_lake)
        after = read_manifest(mart_dir(handmade_lake))
        assert (after.parts, after.keys, after.mode) == (before["parts"], before["keys"], before["mode"])
        assert set(after.quality) == set(after.parts)
        assert not set(after.quality.values()) & set(before["quality"].values())  # made again
        assert after.rollups == facts_mart.rollups_fingerprint()
        params = {"tz": handmade_lake.timezone, "channels": [], "shops": [], "warehouses": []}
        db, live = connect(handmade_lake, materialize=True), connect(handmade_lake)
        try:
            pd.testing.assert_frame_equal(kpis.run(db, "quality_completeness", SCOPES[0]),
                                          live.query(OLD_COMPLETENESS, params), check_exact=True)
        finally:
            db.close()
            live.close()
