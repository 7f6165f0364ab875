"""Reading an XLSX export without letting it expand without bound (a zip bomb is a few MB).

    check_zip(path, profile.limits)          # before openpyxl sees the file
    for row in xlsx_rows(path, "Orders"): …  # read_only, streamed; the caller spends a Budget per row

An XLSX is a zip of XML. Python's zipfile never inflates a member beyond the size its header declares
(it stops and fails the CRC check), so those declared sizes are a safe bound to check before any
parsing: the total, each big member's compression ratio, and each sheet's declared dimension.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.files.limits import MB, ImportFileError, Limits, cut

EXCEL_CELL_CHARS = 32_767  # Excel's own limit on a cell's text
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?:?([A-Z]{1,3})?(\d+)?"')


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    """1 → 'A', 28 → 'AB': how Excel names the column a user must look at."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _declared_cells(head: bytes) -> int:
    """Cells a sheet's <dimension ref="A1:Q5000"/> declares (0 when it declares none)."""
    found = _DIMENSION.search(head)
    if not found or not found[3]:
        return 0
    rows = int(found[4] or 1) - int(found[2] or 1) + 1
    return rows * (column_number(found[3].decode()) - column_number((found[1] or b"A").decode()) + 1)


def _check_member(path: Path, book: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise ImportFileError(
            f"{path}: refused: {cut(info.filename)} unpacks {info.file_size // max(info.compress_size, 1):,}× "
            f"its packed size (limit {limits.max_ratio}×, [limits] max_ratio); a real export compresses far less"
        )
    if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
        with book.open(info) as fh:
            cells = _declared_cells(fh.read(4096))
        if cells > limits.max_cells:
            raise ImportFileError(
                f"{path}: refused: sheet {cut(info.filename)} declares {cells:,} cells "
                f"(limit {limits.max_cells:,}, [limits] max_cells)"
            )


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse an XLSX that would unpack too big or too far before any XML of it is parsed."""
    try:
        with zipfile.ZipFile(path) as book:
            infos = book.infolist()
            total = sum(info.file_size for info in infos)
            if total > limits.max_mb * MB:
                raise ImportFileError(
                    f"{path}: refused: unpacks to {total / MB:,.0f} MB (limit {limits.max_mb} MB, [limits] max_mb)"
                )
            for info in infos:
                _check_member(path, book, info, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ImportFileError(f"{path}: not a readable XLSX workbook ({cut(str(exc))})") from exc


def _long_cell(path: Path, row: tuple[Any, ...], n: int) -> None:
    for i, value in enumerate(row):
        if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
            raise ImportFileError(
                f"{path}: cell {column_letters(i + 1)}{n} has {len(value):,} characters, more than Excel's "
                f"{EXCEL_CELL_CHARS:,}: {cut(value)}"
            )


def xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[Any]]:
    """The sheet's rows, streamed (openpyxl read_only); call check_zip first."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(f"{path}: not a readable XLSX workbook ({cut(str(exc))})") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            names = ", ".join(cut(name) for name in book.sheetnames[:20])
            raise ImportFileError(f"{path}: no sheet {cut(sheet)}; sheets are {names}")
        ws = book[sheet] if sheet else book.worksheets[0]
        for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
            _long_cell(path, row, n)
            yield list(row)
    finally:
        book.close()
