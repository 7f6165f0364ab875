"""Item 9: a console address correction wins until the platform's own address changes.

The platform versions arrive through the file importer (the same `keep_corrections` step runs in the API
pipeline's flush). Values compared are the ones written into the CSVs and the correction form by hand.
"""

from __future__ import annotations

from pathlib import Path

from ingest.files.importer import import_file
from ingest.files.profile import load_profile
from models import ids, triage
from models.auth import User
from models.settings import Settings
from models.versions import latest

ROOT = Path(__file__).resolve().parents[2]
OPS = User("olga", "ops")
HEADER = (ROOT / "tests/fixtures/files/shopify_orders_export.csv").read_text(encoding="utf-8").splitlines()[0]


def _import(tmp: Path, settings: Settings, name: str, fulfilled: str, address: str, city: str) -> None:
    values = {"Name": "#1", "Financial Status": "paid", "Paid at": "2026-03-01 10:16:00 -0500",
              "Fulfillment Status": "fulfilled" if fulfilled else "unfulfilled", "Fulfilled at": fulfilled,
              "Currency": "USD", "Total": "25.00", "Created at": "2026-03-01 10:15:30 -0500",
              "Lineitem quantity": "1", "Lineitem name": "Tea", "Lineitem price": "25.00", "Lineitem sku": "T1",
              "Shipping Name": "Ana Lima", "Shipping Address1": address, "Shipping City": city,
              "Shipping Province": "TX", "Shipping Country": "US", "Id": "777"}
    row = ",".join(values.get(column, "") for column in HEADER.split(","))
    path = tmp / name
    path.write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    import_file(path, load_profile(ROOT / "docs/profiles/shopify-orders.toml"), settings.lake_dir)


def _address(settings: Settings, oid: str) -> tuple[str, str, str]:
    row = latest(settings.lake_dir, "orders", [oid])[oid]
    return row["receiver_province"], row["receiver_city"], row["receiver_address"]


def test_correction_survives_the_old_address_and_yields_to_a_new_one(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    oid = ids.order_id("shopify", "shopify-us", "777")
    _import(tmp_path, settings, "v1.csv", "", "12 Main St", "Austin")
    version = latest(settings.lake_dir, "orders", [oid])[oid]["ingested_at"]
    triage.correct_address(settings, OPS, oid, version, "TX", "Austin", "12 Main Street, Apt 4", "buyer called")
    assert _address(settings, oid) == ("TX", "Austin", "12 Main Street, Apt 4")

    _import(tmp_path, settings, "v2.csv", "2026-03-02 09:00:00 -0500", "12 Main St", "Austin")  # old address again
    row = latest(settings.lake_dir, "orders", [oid])[oid]
    assert row["status"] == "shipped"  # the new platform version is current ...
    assert _address(settings, oid) == ("TX", "Austin", "12 Main Street, Apt 4")  # ... and the correction stays

    _import(tmp_path, settings, "v3.csv", "2026-03-03 09:00:00 -0500", "9 Elm Rd", "Dallas")  # buyer moved
    assert _address(settings, oid) == ("TX", "Dallas", "9 Elm Rd")
