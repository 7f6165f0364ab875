"""Hostile files (security issue #11, item 11): refused fast, in bounded memory, with short errors.

The zip bombs are real XLSX files built here with zipfile: a workbook openpyxl saved, its sheet swapped
for one that inflates far beyond what a seller's export ever does.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from ingest.files.limits import Budget, ImportFileError, Limits
from ingest.files.profile import load_profile
from ingest.files.tables import read_table
from tests.ingest.test_file_import import ROOT, SHOPIFY

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
MB = 1024 * 1024


def workbook_with_sheet(path: Path, write_sheet) -> Path:
    """A real workbook from openpyxl whose first sheet's XML is whatever write_sheet writes."""
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in src.infolist():
            if info.filename == SHEET:
                with out.open(SHEET, "w", force_zip64=True) as fh:
                    write_sheet(fh)
            else:
                out.writestr(info, src.read(info))
    return path


def huge_header_cell(megabytes: int):
    """A sheet whose cell A1 is `megabytes` MB of 'A': the header cell the issue saw printed whole."""

    def write(fh) -> None:
        fh.write(SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
        chunk = b"A" * MB
        for _ in range(megabytes):
            fh.write(chunk)
        fh.write(b"</t></is></c></row></sheetData></worksheet>")

    return write


def rows_sheet(rows: int, columns: int, dimension: str | None = None):
    def write(fh) -> None:
        fh.write(SHEET_HEAD + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"") + b"<sheetData>")
        for r in range(1, rows + 1):
            fh.write(f'<row r="{r}">'.encode() + b"<c><v>1</v></c>" * columns + b"</row>")
        fh.write(b"</sheetData></worksheet>")

    return write


def import_in_child(path: Path, profile: Path, data: Path) -> dict:
    """Run the CLI import in a fresh interpreter; its exit code, stderr, CPU seconds (not wall-clock: a loaded
    machine must not fail the test) and own peak RSS (VmHWM: getrusage's maxrss keeps the forking parent's
    high-water mark across exec, so a big pytest process would count as the child's)."""
    code = (
        "import json, sys, time, io, contextlib\n"
        "from ingest.files.cli import main\n"
        "err = io.StringIO(); start = time.process_time()\n"
        "with contextlib.redirect_stderr(err):\n"
        f"    rc = main(['import', {str(path)!r}, '--profile', {str(profile)!r}, '--data', {str(data)!r}])\n"
        "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "print(json.dumps({'rc': rc, 'stderr': err.getvalue(), 'seconds': time.process_time() - start,\n"
        "                  'peak_mb': hwm / 1024}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "orders.xlsx"
    return workbook_with_sheet(path, huge_header_cell(1024))


def test_gigabyte_bomb_is_refused_fast_in_bounded_memory_with_a_short_error(gigabyte_bomb: Path, tmp_path: Path):
    assert gigabyte_bomb.stat().st_size < 1.5 * MB  # 1 GiB of sheet packed into about 1 MB
    got = import_in_child(gigabyte_bomb, SHOPIFY[1], tmp_path)
    assert got["rc"] == 2
    assert "refused: unpacks to 1,024 MB (limit 200 MB, [limits] max_mb)" in got["stderr"]
    assert len(got["stderr"]) < 300 and "AAAA" not in got["stderr"]
    assert got["seconds"] < 5  # CPU seconds; before the fix: 26 s
    assert got["peak_mb"] < 400  # before the fix: 5.2 GB (the interpreter with its imports is ~150 MB)


def test_bomb_under_the_size_cap_is_refused_by_its_ratio(tmp_path: Path):
    path = workbook_with_sheet(tmp_path / "ratio.xlsx", huge_header_cell(50))
    with pytest.raises(ImportFileError, match=r"unpacks 1,0\d\d× its packed size \(limit 100×"):
        read_table(path, load_profile(SHOPIFY[1]))


def test_sheet_declaring_too_many_cells_is_refused_before_reading(tmp_path: Path):
    path = workbook_with_sheet(tmp_path / "wide.xlsx", rows_sheet(2, 3, dimension="A1:XFD1048576"))
    with pytest.raises(ImportFileError, match=r"declares 17,179,869,184 cells \(limit 5,000,000"):
        read_table(path, load_profile(SHOPIFY[1]))


def test_cells_budget_stops_a_sheet_that_declares_nothing(tmp_path: Path):
    profile = tmp_path / "p.toml"
    profile.write_text(SHOPIFY[1].read_text("utf-8") + "\n[limits]\nmax_cells = 1000\n", encoding="utf-8")
    path = workbook_with_sheet(tmp_path / "long.xlsx", rows_sheet(200, 10))  # 2,000 cells
    with pytest.raises(ImportFileError, match=r"refused: more than 1,000 cells \(\[limits\] max_cells\)"):
        read_table(path, load_profile(profile))


def test_time_budget():
    budget = Budget(Path("x.csv"), Limits(max_seconds=1))
    budget.spend(10)
    time.sleep(1.05)
    with pytest.raises(ImportFileError, match=r"reading took over 1 s \(\[limits\] max_seconds\)"):
        budget.spend(10)


def test_xlsx_cell_beyond_excels_limit_is_refused_and_quoted_cut(tmp_path: Path):
    def write(fh) -> None:  # openpyxl itself would cut the cell to 32,767 on save
        fh.write(SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Id</t></is></c>')
        fh.write(b'<c r="B1" t="inlineStr"><is><t>' + b"Z" * 40_000 + b"</t></is></c></row></sheetData></worksheet>")

    path = workbook_with_sheet(tmp_path / "long-cell.xlsx", write)
    with pytest.raises(ImportFileError) as err:
        read_table(path, load_profile(SHOPIFY[1]))
    message = str(err.value)
    assert "cell B1 has 40,000 characters, more than Excel's 32,767: '" + "Z" * 80 + "…'" in message
    assert len(message) < 300


def test_csv_with_a_10_mb_header_cell(tmp_path: Path):
    path = tmp_path / "big-header.csv"
    path.write_text("Id," + "B" * 10 * MB + "\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        read_table(path, load_profile(SHOPIFY[1]))
    assert str(err.value) == f"{path}: line 1: not a readable CSV (a cell is longer than 131,072 characters)"


def test_long_header_names_are_cut_in_the_missing_column_error(tmp_path: Path):
    path = tmp_path / "long-header.csv"
    path.write_text("Id," + "B" * 100_000 + "\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        read_table(path, load_profile(SHOPIFY[1]))
    assert str(err.value).endswith("columns are: 'Id', '" + "B" * 80 + "…'")


def test_csv_over_the_size_cap_is_refused_unread(tmp_path: Path):
    profile = tmp_path / "p.toml"
    profile.write_text(SHOPIFY[1].read_text("utf-8") + "\n[limits]\nmax_mb = 1\n", encoding="utf-8")
    path = tmp_path / "big.csv"
    path.write_text(SHOPIFY[0].read_text("utf-8") + "x" * (2 * MB), encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"refused: 2 MB \(limit 1 MB, \[limits\] max_mb\)"):
        read_table(path, load_profile(profile))
