"""Row and header rules of the file importer (security issue #11, items 10 and 14): amounts by the
documented rule, quantities within the cap, duplicated columns and empty files refused whole.

Each case edits one cell of the Shopify sample (tests/fixtures/files/) and checks the reject file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ingest.files.importer import import_file
from ingest.files.profile import load_profile
from tests.ingest.test_file_import import NOW, SHOPIFY, cli, current


def shopify_variant(tmp_path: Path, edit=None, name: str = "orders.csv") -> Path:
    """The Shopify sample with `edit(rows)` applied to its list of rows (rows[0] is the header)."""
    with open(SHOPIFY[0], encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if edit:
        edit(rows)
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def set_cell(row: int, column: str, value: str):
    def edit(rows: list[list[str]]) -> None:
        rows[row - 1][rows[0].index(column)] = value

    return edit


def rejects_of(result) -> dict[str, dict[str, str]]:
    with open(result.reject_file, encoding="utf-8-sig", newline="") as fh:
        return {r["row"]: r for r in csv.DictReader(fh)}


def profile_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "profile.toml"
    path.write_text(SHOPIFY[1].read_text("utf-8") + "\n" + extra + "\n", encoding="utf-8")
    return path


def import_variant(tmp_path: Path, csv_path: Path, profile: Path = SHOPIFY[1]):
    return import_file(csv_path, load_profile(profile), tmp_path / "lake", now=NOW, stream=io.StringIO())


@pytest.mark.parametrize(
    ("cell", "reason"),
    [  # the examples: once read as 1309.00, 15.00, 1234.00 and 1.00
        ("1e309", "not an amount: '1e309' (expected decimal '.', thousands ',', no exponent, e.g. 1,299.50)"),
        ("1E5", "not an amount: '1E5' (expected decimal '.', thousands ','"),
        ("12abc34", "not an amount: '12abc34' (expected"),
        ("USD 1.000,50", "not an amount: 'USD 1.000,50' (expected"),
        ("¥25.00", "currency '¥' in '¥25.00' is not the row's currency USD"),
        ("25.001", "'25.001' has 3 decimal places; USD has 2"),
        ("-25.00", "negative amount '-25.00': only a refund file ([amounts] refunds = true) may have one"),
        ("9" * 100, "not an amount: '" + "9" * 80 + "…' (expected"),
    ],
)
def test_misread_amounts_are_rejected_with_row_column_and_cut_value(tmp_path: Path, cell: str, reason: str):
    result = import_variant(tmp_path, shopify_variant(tmp_path, set_cell(4, "Total", cell)))
    reject = rejects_of(result)["4"]
    assert (reject["platform_order_id"], reject["field"]) == ("#1002", "total_cents (Total)")
    assert reject["reason"].startswith(reason)
    assert current(tmp_path, "select count(*) from orders where platform_order_id = '5551002'") == [(0,)]


def test_amount_separators_come_from_the_profile(tmp_path: Path):
    def european(rows: list[list[str]]) -> None:
        for row in rows[1:]:
            for column in ("Total", "Shipping", "Lineitem price", "Discount Amount"):
                i = rows[0].index(column)
                row[i] = row[i].replace(".", ",")
        rows[3][rows[0].index("Total")] = "USD 1.025,00"  # 1,025 dollars, the 'USD 1.000,50' style

    profile = profile_with(tmp_path, '[amounts]\ndecimal = ","\nthousands = "."')
    result = import_variant(tmp_path, shopify_variant(tmp_path, european), profile)
    assert (result.orders, result.lines) == (3, 4)
    totals = current(tmp_path, "select platform_order_id, total_cents from orders order by 1")
    assert totals == [("5551001", 5490), ("5551002", 102500), ("5551003", 1999)]


def test_negative_line_price_rejected_but_a_refund_file_may_have_one(tmp_path: Path):
    def refund(rows: list[list[str]]) -> None:
        for column in ("Total", "Lineitem price"):
            set_cell(4, column, "-25.00")(rows)

    price_only = import_variant(tmp_path / "p", shopify_variant(tmp_path, set_cell(4, "Lineitem price", "-1.00")))
    assert rejects_of(price_only)["4"]["field"] == "unit_price_cents (Lineitem price)"
    csv_path = shopify_variant(tmp_path, refund)
    reject = rejects_of(import_variant(tmp_path / "a", csv_path))["4"]
    assert reject["field"] == "total_cents (Total)" and reject["reason"].startswith("negative amount '-25.00'")
    result = import_variant(tmp_path / "b", csv_path, profile_with(tmp_path, "[amounts]\nrefunds = true"))
    assert "4" not in rejects_of(result)
    got = current(tmp_path / "b", "select o.total_cents, l.unit_price_cents from orders o join order_lines l "
                  "using (order_id) where platform_order_id = '5551002'")
    assert got == [(-2500, -2500)]


@pytest.mark.parametrize(
    ("qty", "reason"),
    [
        ("1e9", "not a whole number of items: '1e9'"),
        ("1000000000", "quantity '1000000000' is outside 1..10,000 ([limits] max_qty)"),
        ("10001", "quantity '10001' is outside 1..10,000 ([limits] max_qty)"),
        ("0", "quantity '0' is outside 1..10,000 ([limits] max_qty)"),
        ("2.5", "not a whole number of items: '2.5'"),
    ],
)
def test_quantity_is_a_whole_number_up_to_the_cap(tmp_path: Path, qty: str, reason: str):
    result = import_variant(tmp_path, shopify_variant(tmp_path, set_cell(4, "Lineitem quantity", qty)))
    reject = rejects_of(result)["4"]
    assert (reject["field"], reject["reason"]) == ("qty (Lineitem quantity)", reason)


def test_quantity_cap_is_set_per_profile(tmp_path: Path):
    result = import_variant(
        tmp_path, shopify_variant(tmp_path, set_cell(4, "Lineitem quantity", "10000")),
        profile_with(tmp_path, "[limits]\nmax_qty = 5"),
    )
    assert rejects_of(result)["4"]["reason"] == "quantity '10000' is outside 1..5 ([limits] max_qty)"
    assert current(tmp_path, "select qty from order_lines where sku = 'TEA-01' order by 1") == [(2,)]


@pytest.mark.parametrize(
    ("duplicate", "where"),
    [
        ("Total", "columns 11 (K) and 27 (AA) are both named 'Total'"),  # a raw duplicate
        ("  Total ", "columns 11 (K) and 27 (AA) are both named 'Total'"),  # the same column once trimmed
        ("Email", "columns 2 (B) and 27 (AA) are both named 'Email'"),  # one the profile does not map
    ],
)
def test_duplicated_column_rejects_the_whole_file(tmp_path: Path, duplicate: str, where: str):
    def add(rows: list[list[str]]) -> None:
        rows[0].append(duplicate)
        for row in rows[1:]:
            row.append("99.00")

    proc = cli(str(shopify_variant(tmp_path, add)), "--profile", str(SHOPIFY[1]), data=tmp_path)
    assert proc.returncode == 2 and where + "; rename or delete one" in proc.stderr
    assert not (tmp_path / "lake").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file (no header, no rows)"),
        ("  \n\n \t\n", "empty file (no header, no rows)"),
        (None, "no data rows (only the header)"),
        ("header+blank", "no data rows (only the header)"),
    ],
)
def test_empty_files_say_so(tmp_path: Path, content: str | None, message: str):
    header = SHOPIFY[0].read_text("utf-8").splitlines()[0]
    text = {None: header + "\n", "header+blank": header + "\n" + "," * 25 + "\n\n"}.get(content, content)
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    proc = cli(str(path), "--profile", str(SHOPIFY[1]), data=tmp_path)
    assert proc.returncode == 2 and proc.stderr == f"error: {path}: {message}\n"
