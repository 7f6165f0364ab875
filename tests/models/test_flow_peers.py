"""The bench's flow statistics agree three ways on a small generated lake: ours (SQL over the order_facts mart),
pandas over the raw files, and plain DuckDB SQL over the raw files (bench/peers_duckdb.py). `make bench` runs the
same comparison at 1 M and 10 M orders; this keeps the peers honest in every CI run.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bench import peers_duckdb, peers_pandas, synth
from bench.compare import compare
from bench.queries import FLOW_SQL
from models.db import connect
from models.settings import Settings


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("flowpeers")
    synth.generate(root / "lake", 3_000, chunk=1_000, progress=False)
    return root / "lake"


def _split(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    return {name: df.to_json(orient="split", index=False) for name, df in frames.items()}


def test_ours_pandas_and_plain_duckdb_sql_agree(lake: Path):
    db = connect(Settings(data_dir=lake.parent), materialize=True)
    try:
        ours = _split({name: db.con.execute(sql).df() for name, sql in FLOW_SQL.items()})
    finally:
        db.close()
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    peers_duckdb.prepare(con, lake)
    plain = _split({name: con.execute(sql).df() for name, sql in peers_duckdb.flow_sql().items()})
    pandas = _split(peers_pandas.flow(lake))
    checks = compare("duckdb_sql", ours, plain) + compare("pandas", ours, pandas)
    assert [c["what"] for c in checks] == ["flow_stages", "flow_delivery", "flow_variants"] * 2
    assert all(c["ok"] for c in checks), [c for c in checks if not c["ok"]]
    stages = pd.read_json(io.StringIO(plain["flow_stages"]), orient="split")
    assert stages["orders"].sum() > 3_000  # every stage counted, not an empty comparison


def test_a_repeated_event_keeps_its_first_time(tmp_path: Path):
    """The plain SQL does not deduplicate events: a repeated, later copy must not move an order's first time."""
    events = tmp_path / "lake" / "order_events" / "month=2026-11"
    events.mkdir(parents=True)
    def at(*texts: str | None) -> pd.Series:
        return pd.to_datetime(list(texts), utc=True)

    pd.DataFrame({"event_id": ["a", "b", "c"], "order_id": ["o1"] * 3, "event": ["placed", "paid", "paid"],
                  "occurred_at": at("2026-11-01 10:00", "2026-11-01 12:00", "2026-11-02 12:00")},
                 ).to_parquet(events / "e.parquet")
    orders = tmp_path / "lake" / "orders" / "month=2026-11"
    orders.mkdir(parents=True)
    pd.DataFrame({"order_id": ["o1"], "channel": ["shopee"], "placed_at": at("2026-11-01 10:00"), "paid_at": at(None),
                  "updated_at": at("2026-11-02"), "ingested_at": at("2026-11-02")}).to_parquet(orders / "o.parquet")
    con = duckdb.connect()
    peers_duckdb.prepare(con, tmp_path / "lake")
    stages = con.execute(peers_duckdb.flow_sql()["flow_stages"]).df().set_index("stage")
    assert stages.loc["h_placed_paid", "orders"] == 1
    assert stages.loc["h_placed_paid", "median_h"] == 2.0  # 10:00 → 12:00 on the first day, not the second
