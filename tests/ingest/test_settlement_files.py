"""Settlement reports through their profiles: the lines and amounts worked out from the sample files by hand."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.files import cli
from ingest.files.profile import ProfileError
from ingest.files.settlements import import_settlements, load_settlement_profile
from models.db import connect
from models.ids import order_id
from models.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "tests" / "fixtures" / "files"
PROFILES = ROOT / "docs" / "profiles"


def _lines(settings: Settings) -> list[tuple]:
    db = connect(settings)
    return db.sql("select platform_order_id, line_type, amount_cents, currency from settlements "
                  "order by platform_order_id, line_type, amount_cents").fetchall()


def test_shopify_payouts_csv(data_dir):
    settings = Settings(data_dir=data_dir)
    code = cli.main(["import", str(FILES / "shopify_payouts.csv"), "--profile", str(PROFILES / "shopify-payouts.toml"),
                     "--data", str(data_dir)])
    assert code == 1  # two rows rejected
    assert _lines(settings) == [
        ("1001", "fee", -88, "USD"), ("1001", "refund", -500, "USD"), ("1001", "sale", 1999, "USD"),
        ("1002", "fee", -3655, "USD"), ("1002", "sale", 125000, "USD"),
        # the same charge listed twice in one payout stays two lines: a double settlement is visible
        ("1003", "fee", -53, "USD"), ("1003", "fee", -53, "USD"), ("1003", "sale", 800, "USD"),
        ("1003", "sale", 800, "USD")]
    db = connect(settings)
    at, oid = db.sql("select distinct settled_at, order_id from settlements "
                     "where platform_order_id = '1002'").fetchone()
    assert at == datetime(2026, 3, 5, 5, tzinfo=UTC)  # a New York date, midnight there
    assert oid == order_id("shopify", "shopify-us", "1002")  # the order id the connectors give that order
    with next((data_dir / "rejects").iterdir()).open(encoding="utf-8-sig") as fh:
        rejects = list(csv.reader(fh))[1:]
    assert rejects[0][:3] == ["8", "1004", "type (Type)"] and "'chargeback' is not in" in rejects[0][3]
    assert rejects[1][:3] == ["9", "1005", "settled_at (Payout Date)"] and "someday" in rejects[1][3]
    # importing the same report again stores nothing new
    cli.main(["import", str(FILES / "shopify_payouts.csv"), "--profile", str(PROFILES / "shopify-payouts.toml"),
              "--data", str(data_dir)])
    assert len(_lines(settings)) == 9


def test_statement_layout_in_a_zero_decimal_currency(data_dir, tmp_path):
    profile = tmp_path / "jp.toml"
    profile.write_text((PROFILES / "generic-settlements.toml").read_text(encoding="utf-8")
                       .replace('currency = "CNY"', 'currency = "JPY"'), encoding="utf-8")
    settings = Settings(data_dir=data_dir)
    result = import_settlements(FILES / "distributor_statement.csv", load_settlement_profile(profile), settings)
    assert (result.rows, result.lines, result.rejected_rows) == (3, 9, 0)
    lines = _lines(settings)
    assert ("D-1", "sale", 12800, "JPY") in lines and ("D-2", "refund", -5600, "JPY") in lines
    assert sum(line[2] for line in lines) == 12800 - 640 - 100 + 5600 - 5600 + 3000 - 150 - 20 + 15


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_settlement_profile_loads(path):
    if 'kind = "settlements"' in path.read_text(encoding="utf-8"):
        assert load_settlement_profile(path).report


@pytest.mark.parametrize(("edit", "message"), [
    (('amount = "Amount"', 'amuont = "Amount"'), "did you mean 'amount'"),
    (('charge = "sale"', 'charge = "sales"'), "[types] 'charge' = 'sales'"),
    (('negate = ["fee"]', 'negate = ["fees"]'), "negate: 'fees' is not a line type"),
    (('report = "shopify-payouts"\n', ''), "[source] is missing 'report'"),
])
def test_profile_mistakes_name_file_and_key(tmp_path, edit, message):
    path = tmp_path / "p.toml"
    shutil.copy(PROFILES / "shopify-payouts.toml", path)
    path.write_text(path.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_settlement_profile(path)
    assert str(path) in str(caught.value) and message in str(caught.value)
