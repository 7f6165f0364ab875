"""A full disk during a pull: the run fails, nothing half-written becomes visible, the watermark stays, and
the next run after space is freed leaves the lake exactly as one clean run would."""

from __future__ import annotations

import errno

import pyarrow.parquet as pq
import pytest

from ingest.pipeline import run_channel
from ingest.state import Watermarks
from models import lake
from models.db import connect
from tests.ingest.conftest import T0, Sleeps, channel, client_for


def pull(sandbox, settings):
    cfg = channel(sandbox, "shopify")
    return run_channel(cfg, settings, now=lambda: T0, client=client_for(cfg, Sleeps()))


def test_disk_full_mid_pull_then_recovery(sandbox, settings, monkeypatch):
    real_write, calls = pq.write_table, {"n": 0}

    def fill_up_after_two_files(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 2:  # the raw archive got written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(pq, "write_table", fill_up_after_two_files)
    with pytest.raises(OSError, match="No space left"):
        pull(sandbox, settings)
    monkeypatch.setattr(pq, "write_table", real_write)

    shop = channel(sandbox, "shopify").shop_id
    assert Watermarks(settings.data_dir).get("shopify", shop) is None  # the watermark did not move
    temp = [p for p in settings.lake_dir.rglob("*") if p.name.startswith(lake.TEMP_PREFIX)]
    assert temp == []  # no half file left behind, visible or not
    result = pull(sandbox, settings)  # space freed: the same window again
    assert result.outcome == "ok"
    db = connect(settings)
    try:
        ids = db.con.execute("select platform_order_id from orders where channel = 'shopify'").fetchall()
        versions = db.con.execute(
            "select count(*) from lake_orders where channel = 'shopify' and batch_id not like 'EV-%'").fetchone()[0]
    finally:
        db.close()
    expected = sorted(sandbox.market.order_ids("shopify"))
    assert sorted(i[0] for i in ids) == expected
    assert versions == len(expected)  # the failed attempt left no order rows behind
