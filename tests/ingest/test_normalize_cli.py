"""`python -m ingest normalize` run as users run it: in a subprocess, reading saved responses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.ingest.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingest", "normalize", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_prints_one_json_line_per_order_with_explain():
    proc = run(
        "--platform", "shopee", str(FIXTURES / "shopee" / "order_detail.json"), "--shop", "sg", "--explain"
    )
    assert proc.returncode == 0, proc.stderr
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["platform_order_id"] for d in docs] == [
        "231114ABCD1234",
        "231114ABCD5678",
        "231115EFGH0001",
        "231116IJKL0002",
    ]
    first = docs[0]
    assert first["placed_at"] == "2023-11-14T22:13:20Z" and first["total_cents"] == 1290
    assert first["shop_id"] == "sg" and len(first["lines"]) == 2 and first["events"][0]["event"] == "placed"
    assert first["explain"]["receiver_phone"] == "recipient_address.phone"
    assert first["explain"]["lines.qty"] == "item_list[].model_quantity_purchased"
    assert docs[3]["exceptions"][0]["type"] == "unmapped_status"


def test_unknown_platform_lists_known_ones():
    proc = run("--platform", "ebay", str(FIXTURES / "shopee" / "order_detail.json"))
    assert proc.returncode == 2
    assert (
        "unknown platform 'ebay'" in proc.stderr
        and "shopify" in proc.stderr
        and "Traceback" not in proc.stderr
    )


def test_unreadable_file(tmp_path: Path):
    proc = run("--platform", "shopify", str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "cannot read file" in proc.stderr


def test_invalid_json(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    proc = run("--platform", "shopify", str(bad))
    assert proc.returncode == 2 and "not valid JSON" in proc.stderr


def test_response_without_orders(tmp_path: Path):
    empty = tmp_path / "empty.json"
    empty.write_text('{"orders": []}', encoding="utf-8")
    proc = run("--platform", "shopify", str(empty))
    assert proc.returncode == 2 and "holds no orders" in proc.stderr
    other = tmp_path / "other.json"
    other.write_text('{"products": [1]}', encoding="utf-8")
    proc = run("--platform", "shopify", str(other))
    assert proc.returncode == 2 and "no orders at orders or order" in proc.stderr


def test_bad_record_is_reported_and_others_printed(tmp_path: Path):
    body = json.loads((FIXTURES / "shopify" / "orders.json").read_text(encoding="utf-8"))
    body["orders"][0]["created_at"] = "not a date"
    path = tmp_path / "one_bad.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    proc = run("--platform", "shopify", str(path))
    assert proc.returncode == 1
    assert "rejected: shopify order 5551001: field 'created_at'" in proc.stderr
    assert len(proc.stdout.splitlines()) == 4


def test_lazada_order_list_with_its_saved_items_response():
    """Item 8: the order list alone is refused (status and currency live on the items); --items completes it."""
    orders = str(FIXTURES / "lazada" / "orders_get.json")
    alone = run("--platform", "lazada", orders, "--shop", "my")
    assert alone.returncode == 1 and "--items" in alone.stderr
    proc = run("--platform", "lazada", orders, "--items", str(FIXTURES / "lazada" / "orders_items_get.json"),
               "--shop", "my")
    assert proc.returncode == 0, proc.stderr
    docs = {d["platform_order_id"]: d for d in map(json.loads, proc.stdout.splitlines())}
    assert set(docs) == {"300123456789", "300123456790"}
    assert (docs["300123456789"]["currency"], docs["300123456789"]["status"]) == ("MYR", "to_ship")
    assert [li["sku"] for li in docs["300123456789"]["lines"]] == ["MUG-01", "MUG-01", "KEYCHAIN"]
    assert docs["300123456790"]["status"] == "cancelled"


def test_items_for_a_platform_without_separate_items_is_an_error():
    shopee = str(FIXTURES / "shopee" / "order_detail.json")
    proc = run("--platform", "shopee", shopee, "--items", shopee)
    assert proc.returncode == 2 and "--items" in proc.stderr
