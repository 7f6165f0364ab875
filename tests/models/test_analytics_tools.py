"""Explore queries, the capacity config and alert list, and the SQL sandbox's refusals and time limit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from models.access import Access
from models.analytics import explore as ex
from models.analytics.capacity import alerts, backlog_vs_capacity, load_capacity
from models.analytics.sandbox import Sandbox, SandboxError
from models.analytics.sandbox_worker import Request, open_box
from models.kpis import Scope
from models.settings import ConfigError

DAY = Scope(date(2026, 3, 2), date(2026, 3, 2))


def test_explore_groups_and_filters(analytics_db):
    by_channel = ex.explore(analytics_db, DAY, ex.Query("channel"))
    assert dict(zip(by_channel["g1"], by_channel["orders"], strict=True)) == {"shopee": 3, "tmall": 2}
    stock = ex.explore(analytics_db, DAY, ex.Query("channel", exc_types=("out_of_stock",)))
    assert dict(zip(stock["g1"], stock["orders"], strict=True)) == {"shopee": 1, "tmall": 1}  # P4, P2
    small = ex.orders(analytics_db, DAY, ex.Query(reasons=("size_too_small",)))
    assert small["order_id"].tolist() == ["OH-P1"]
    unknown = ex.explore(analytics_db, DAY, ex.Query("warehouse", "status", statuses=("unknown",)))
    assert unknown[["g1", "g2", "orders"]].values.tolist() == [["Hefei", "unknown", 1]]
    with pytest.raises(ValueError, match="cannot group by 'region'"):
        ex.explore(analytics_db, DAY, ex.Query("region"))


def test_capacity_config(tmp_path: Path):
    assert load_capacity(tmp_path)["Anywhere"] == 150.0  # no file: the built-in default
    (tmp_path / "capacity.toml").write_text("default_orders_per_hour = 90\n[warehouses]\nSuzhou = 220\n")
    capacity = load_capacity(tmp_path)
    assert (capacity["Suzhou"], capacity["Hefei"]) == (220.0, 90.0)
    (tmp_path / "capacity.toml").write_text("[warehouses]\nHefei = -5\n")
    with pytest.raises(ConfigError, match=r"capacity.toml: warehouses.Hefei = -5 is not a positive"):
        load_capacity(tmp_path)


def test_alert_list_and_backlog_time_to_clear(tmp_path: Path):
    (tmp_path / "capacity.toml").write_text("[warehouses]\nSuzhou = 4\n")
    backlog = pd.DataFrame({"warehouse": ["Suzhou", "Suzhou"], "waiting_for": ["pick", "pack"], "orders": [40, 8]})
    out = backlog_vs_capacity(backlog, load_capacity(tmp_path))
    assert out["hours_to_clear"].tolist() == [10.0, 2.0]
    hourly = pd.DataFrame({"hour": pd.to_datetime(["2026-03-02 10:00", "2026-03-02 11:00"]), "orders": [3, 1],
                           "baseline": [1.5, 0.25], "is_alert": [False, True]})
    found = alerts(hourly, out, clear_within_h=8.0)
    assert found["alert_id"].tolist() == ["intake:2026-03-02T11", "backlog:Suzhou:pick"]


@pytest.fixture
def sandbox(analytics_lake):
    return Sandbox(analytics_lake, row_limit=3)  # the default time limit: worker start-up counts on a busy machine


def test_sandbox_reads_views(sandbox):
    df, cut = sandbox.query("with x as (select channel, count(*) n from orders group by all) select * from x",
                            "viewer", Access())
    assert dict(zip(df["channel"], df["n"], strict=True)) == {"shopee": 3, "tmall": 3, "jd": 6}
    df, cut = sandbox.query("select order_id from order_facts order by order_id", "viewer", Access())
    assert len(df) == 3 and cut  # 12 orders, row limit 3


@pytest.mark.parametrize("sql, message", [
    ("copy (select 1) to '/tmp/leak.csv'", "Only one plain SELECT"),
    ("attach '/tmp/other.db'", "Only one plain SELECT"),
    ("install httpfs", "Only one plain SELECT"),
    ("pragma version", "Only one plain SELECT"),
    ("set threads = 1", "Only one plain SELECT"),
    ("create table t as select 1", "Only one plain SELECT"),
    ("insert into fx_rates values ('X', 1, 1)", "Only one plain SELECT"),
    ("select * from read_csv('/etc/passwd')", r"read_csv\(\) cannot be used in FROM"),
    ("select * from glob('/etc/*')", r"glob\(\) cannot be used in FROM"),
    ("select 1; select 2", "exactly one SELECT"),
])
def test_sandbox_refuses(sandbox, sql, message):
    with pytest.raises(SandboxError, match=message):
        sandbox.query(sql, "admin", Access())


def test_sandbox_worker_connection_cannot_reach_files_even_unchecked(analytics_lake, tmp_path):
    req = Request(analytics_lake, Sandbox(analytics_lake)._files(), "select 1", "admin", Access(),
                  str(tmp_path / "out"), str(tmp_path / "spill"))
    con = open_box(req)
    with pytest.raises(duckdb.Error, match="disabled by configuration"):
        con.execute("select * from read_csv('/etc/passwd')")
    with pytest.raises(duckdb.Error, match="configuration has been locked"):
        con.execute("set enable_external_access = true")
    with pytest.raises(duckdb.Error, match="does not exist"):
        con.execute("select * from lake_orders")  # the unmasked views are in the hidden catalog only
