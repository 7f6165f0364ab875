"""The demo generator, checked by reading the lake it writes (pyarrow/pandas), not its return values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from models import kpis, lake
from models.db import connect
from models.demo import DEMO_MARKER, read_demo_marker
from models.ids import event_id, order_id
from models.schema import TABLES
from models.settings import Settings
from sim import demo

# The history the generator owns (with the rule hit behind each rules-raised exception); alerts and deliveries
# come from the alert and e-mail jobs.
DEMO_TABLES = {name: TABLES[name] for name in ("orders", "order_lines", "order_events", "exceptions", "actions",
                                               "channel_runs", "inventory", "returns", "raw", "stock_movements",
                                               "sku_map", "reservation_events", "rule_hits")}

END = date(2025, 11, 30)
DAYS, PER_DAY = 21, 150
TZ = "Asia/Shanghai"


def read(lake_dir: Path, table: str) -> pd.DataFrame:
    files = lake.data_files(lake_dir, table)
    return pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    demo.generate(root / "lake", days=DAYS, seed=7, orders_per_day=PER_DAY, end=END)
    return root


@pytest.fixture(scope="module")
def orders(data_dir: Path) -> pd.DataFrame:
    return read(data_dir / "lake", "orders")


@pytest.fixture(scope="module")
def events(data_dir: Path) -> pd.DataFrame:
    return read(data_dir / "lake", "order_events")


def test_every_table_is_written_readable_and_conforms(data_dir: Path) -> None:
    for name, table in DEMO_TABLES.items():
        files = lake.data_files(data_dir / "lake", name)
        assert files, name
        for f in files:
            assert pq.read_schema(f).remove_metadata() == table.schema, f


def test_same_seed_same_rows_other_seed_other_rows(data_dir: Path, tmp_path: Path) -> None:
    demo.generate(tmp_path / "same", days=DAYS, seed=7, orders_per_day=PER_DAY, end=END)
    demo.generate(tmp_path / "other", days=DAYS, seed=8, orders_per_day=PER_DAY, end=END)
    for name, table in DEMO_TABLES.items():
        keys = list(table.key)
        a = read(data_dir / "lake", name).sort_values(keys + list(table.version_by)).reset_index(drop=True)
        b = read(tmp_path / "same", name).sort_values(keys + list(table.version_by)).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=name)
    assert (
        not read(tmp_path / "other", "orders")["order_id"]
        .isin(read(data_dir / "lake", "orders")["order_id"])
        .all()
    )


def test_ids_are_the_ones_real_ingest_would_give(orders: pd.DataFrame, events: pd.DataFrame) -> None:
    for row in orders.head(20).itertuples():
        assert row.order_id == order_id(row.channel, row.shop_id, row.platform_order_id)
    for row in events.head(20).itertuples():
        assert row.event_id == event_id(row.order_id, row.event, row.source, row.occurred_at.to_pydatetime())


def test_channels_each_speak_their_own_status_words(orders: pd.DataFrame, data_dir: Path) -> None:
    words = orders.groupby("channel")["raw_status"].agg(frozenset)
    assert len(words) >= 7
    assert len(set(words)) == len(words)
    raw = read(data_dir / "lake", "raw")
    assert len(raw) == len(orders)
    sample = raw.iloc[0]
    import hashlib

    assert hashlib.sha256(sample["payload"].encode()).hexdigest() == sample["sha256"]


def test_peak_day_is_at_least_three_times_the_median(orders: pd.DataFrame) -> None:
    per_day = orders["placed_at"].dt.tz_convert(TZ).dt.date.value_counts()
    assert per_day.max() >= 3 * per_day.median()


def test_cut_off_late_payments_are_picked_next_morning(orders: pd.DataFrame, events: pd.DataFrame) -> None:
    picked = events[events["event"] == "picked"].groupby("order_id")["occurred_at"].min()
    df = orders.set_index("order_id")[["paid_at"]].join(picked.rename("picked_at"), how="inner")
    paid = df["paid_at"].dt.tz_convert(TZ)
    same_day = paid.dt.date == df["picked_at"].dt.tz_convert(TZ).dt.date
    assert same_day[paid.dt.hour >= 16].mean() < 0.10
    assert same_day[paid.dt.hour < 12].mean() > 0.5


def test_manual_rate_and_accuracy_are_believable(
    data_dir: Path, orders: pd.DataFrame, events: pd.DataFrame
) -> None:
    actions = read(data_dir / "lake", "actions")
    assert 0.01 <= actions["order_id"].nunique() / len(orders) <= 0.06
    exc = read(data_dir / "lake", "exceptions").sort_values("updated_at").groupby("exception_id").last()
    bad = exc[exc["type"].isin(["wrong_item", "missing_item"]) & (exc["status"] != "dismissed")]["order_id"]
    shipped = set(events.loc[events["event"] == "shipped", "order_id"])
    assert 0.99 <= 1 - len(set(bad) & shipped) / len(shipped) < 1.0
    assert (exc["status"].isin(["open", "in_progress"])).any()


def test_some_but_few_events_out_of_order(events: pd.DataFrame) -> None:
    first = events.pivot_table(index="order_id", columns="event", values="occurred_at", aggfunc="min")
    both = first.dropna(subset=["picked", "packed"])
    swapped = (both["packed"] < both["picked"]).mean()
    assert 0 < swapped < 0.01


def test_refuses_to_overwrite_without_force(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERHUB_DATA", str(data_dir))
    before = lake.data_files(data_dir / "lake", "orders")
    assert demo.main(["demo", "--days", "2"]) == 1
    assert lake.data_files(data_dir / "lake", "orders") == before
    with pytest.raises(FileExistsError):
        demo.generate(data_dir / "lake", days=2)


def test_marker_labels_the_lake(data_dir: Path, orders: pd.DataFrame) -> None:
    assert (data_dir / "lake" / DEMO_MARKER).exists()
    marker = read_demo_marker(data_dir / "lake")
    assert marker["seed"] == 7 and marker["orders"] == len(orders) and "not real" in marker["generated"]


def test_kpi_views_accept_the_demo_lake(data_dir: Path, orders: pd.DataFrame) -> None:
    db = connect(Settings(data_dir=data_dir))
    try:
        scope = kpis.Scope(date(2025, 11, 12), date(2025, 11, 25))
        result = kpis.summary(db, scope)
        assert not db.problems
    finally:
        db.close()
    lo, hi = scope.bounds(TZ)
    placed = orders[(orders["placed_at"] >= lo) & (orders["placed_at"] < hi)]
    assert result["orders"] == placed["order_id"].nunique()
    assert result["shipped"] > 0
