"""Read a CSV or XLSX export into (row number, {column: value}) pairs, checking the profile's columns.

Row numbers are the ones a user sees in Excel or a text editor: the header is row 1.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.files.profile import Profile

EXTENSIONS = (".csv", ".xlsx")


class ImportFileError(Exception):
    """The file cannot be imported at all; the message names the file and the problem."""


def _csv_rows(path: Path, encoding: str) -> Iterator[list[Any]]:
    try:
        with open(path, encoding=encoding, newline="") as fh:
            yield from csv.reader(fh)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path}: cannot decode as {encoding} (set [source] encoding, e.g. gb18030)"
        ) from exc
    except csv.Error as exc:
        raise ImportFileError(f"{path}: not a readable CSV ({exc})") from exc


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFileError(f"{path}: no sheet {sheet!r}; sheets are {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def read_table(path: Path, profile: Profile) -> list[tuple[int, dict[str, Any]]]:
    """Every non-empty data row keyed by header; a profile column missing from the header is fatal."""
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise ImportFileError(f"{path}: unknown file type {suffix or '(none)'!r}; import .csv or .xlsx")
    if not path.is_file():
        raise ImportFileError(f"{path}: cannot read file (not found)")
    try:
        rows = iter(
            _csv_rows(path, profile.encoding) if suffix == ".csv" else _xlsx_rows(path, profile.sheet)
        )
        header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        body = [(n, row) for n, row in enumerate(rows, start=2)]
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    missing = [c for c in profile.required_columns if c not in header]
    if missing:
        raise ImportFileError(
            f"{path}: column {missing[0]!r} named in {profile.path.name} is not in the file; "
            f"columns are: {', '.join(h for h in header if h)}"
        )
    out = []
    for n, row in body:
        record = {h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h}
        if any(v is not None and str(v).strip() for v in record.values()):
            out.append((n, record))
    return out
