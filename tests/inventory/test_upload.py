"""Stock files through the import command: counts and movements stored, bad rows in the reject file.

counts.csv (Shanghai local times): A Suzhou 10 (safety 2) at 08:00; B Suzhou "x" (rejected: on_hand);
A Hefei 4 at 08:00. movements.csv: A Suzhou 采购入库 +5 at 09:00; A Suzhou 调拨出库 −1 at 09:30;
A Suzhou 魔法 3 (rejected: kind). Expected: A Suzhou on hand 10 + 5 − 1 = 14, available 14 − 2 = 12;
A Hefei 4. Importing the movements again changes nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.files.cli import main
from tests.inventory.shop import query

ROOT = Path(__file__).resolve().parents[2]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_counts_and_movements_import_with_a_reject_file(data_dir, capsys):
    from models.settings import Settings

    counts = write_csv(data_dir / "counts.csv", [
        ["SKU编码", "仓库", "实际库存", "安全库存", "盘点时间"],
        ["A", "Suzhou", "10", "2", "2026-03-02 08:00:00"], ["B", "Suzhou", "x", "0", "2026-03-02 08:00:00"],
        ["A", "Hefei", "4", "", "2026-03-02 08:00:00"]])
    moves = write_csv(data_dir / "moves.csv", [
        ["SKU编码", "仓库", "类型", "数量", "单号", "时间"],
        ["A", "Suzhou", "采购入库", "5", "PO-1", "2026-03-02 09:00:00"],
        ["A", "Suzhou", "调拨出库", "-1", "TR-1", "2026-03-02 09:30:00"],
        ["A", "Suzhou", "魔法", "3", "X-1", "2026-03-02 09:40:00"]])
    data = ["--data", str(data_dir)]
    assert main(["import", str(counts), "--profile", str(ROOT / "docs/profiles/stock-counts.toml"), *data]) == 1
    assert main(["import", str(moves), "--profile", str(ROOT / "docs/profiles/stock-movements.toml"), *data]) == 1
    assert main(["import", str(moves), "--profile", str(ROOT / "docs/profiles/stock-movements.toml"), *data]) == 1
    rejects = sorted((data_dir / "rejects").glob("*.csv"))
    rows = {tuple(r) for f in rejects for r in list(csv.reader(f.read_text(encoding="utf-8-sig").splitlines()))[1:]}
    assert rows == {("3", "B", "on_hand (实际库存)", "not a whole number: 'x'"),
                    ("4", "A", "kind (类型)", "'魔法' is not a known kind (add it to [kinds])")}
    settings = Settings(data_dir=data_dir)
    assert query(settings, "select sku, warehouse, on_hand, available from inventory_available order by all") == [
        ("A", "Hefei", 4, 4), ("A", "Suzhou", 14, 12)]
    assert "stored 2 count(s)" in capsys.readouterr().out
