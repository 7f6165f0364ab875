"""Item 10: default rates for every market's currency, rates from the ECB's CSV, missing rates named.

tests/fixtures/fx/eurofxref.csv is written in the ECB's eurofxref.csv format (rates per EUR). With CNY as
the reporting currency, CNY per USD = 7.56 / 1.05 = 7.2; per EUR = 7.56; per JPY = 7.56 / 157.5 = 0.048.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from models import kpis, lake
from models.db import connect
from models.settings import Settings, load_settings
from tests.triage_fixture import order_row

ROOT = Path(__file__).resolve().parents[2]
MARKETS = ("CNY", "USD", "EUR", "GBP", "JPY", "KRW", "HKD", "TWD", "SGD", "MYR", "THB", "IDR", "PHP", "VND",
           "BRL", "MXN")


def test_default_rates_cover_every_market_currency():
    assert set(MARKETS) <= set(Settings().fx_rates)


def test_the_ecb_csv_updates_the_rates_in_the_reporting_currency(tmp_path):
    data = tmp_path / "data"
    proc = subprocess.run([sys.executable, "-m", "ingest", "fx-rates", str(ROOT / "tests/fixtures/fx/eurofxref.csv"),
                           "--data", str(data)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    rates = load_settings(data).fx_rates
    assert rates["USD"] == pytest.approx(7.2) and rates["EUR"] == pytest.approx(7.56)
    assert rates["JPY"] == pytest.approx(0.048) and rates["CNY"] == pytest.approx(1.0)
    assert rates["TWD"] == Settings().fx_rates["TWD"]  # the ECB publishes no TWD: the default stays


def test_a_file_without_the_reporting_currency_is_refused(tmp_path):
    bad = tmp_path / "eurofxref.csv"
    bad.write_text("Date, USD, JPY\n02 December 2026, 1.05, 157.5\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ingest", "fx-rates", str(bad), "--data", str(tmp_path / "d")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "reporting currency CNY" in proc.stderr


def test_a_currency_without_a_rate_is_counted_and_named(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    placed = datetime(2026, 3, 1, 2, tzinfo=UTC)
    rows = [{**order_row(k), "currency": c, "total_cents": 1000, "placed_at": placed, "paid_at": placed}
            for k, c in (("T1", "CHF"), ("T2", "CHF"), ("T3", "USD"))]
    lake.write(settings.lake_dir, "orders", rows)
    db = connect(settings)
    try:
        df = kpis.run(db, "quality_missing_fx", kpis.Scope(date(2026, 3, 1), date(2026, 3, 1)))
    finally:
        db.close()
    assert df.to_dict("records") == [{"currency": "CHF", "orders": 2, "total_minor": 2000}]
