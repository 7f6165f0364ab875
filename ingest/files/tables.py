"""Read a CSV or XLSX export into (row number, {column: value}) pairs, checking the profile's columns.

Row numbers are the ones a user sees in Excel or a text editor: the header is row 1. The whole file is
refused, with one short line, when it is empty, has no data rows, repeats a column name, lacks a column
the profile names, or passes a cap of its profile's [limits] (ingest/files/limits.py).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.files.limits import MB, Budget, ImportFileError, cut
from ingest.files.profile import Profile, column_key
from ingest.files.xlsx import check_zip, column_letters, xlsx_rows

EXTENSIONS = (".csv", ".xlsx")
__all__ = ["EXTENSIONS", "ImportFileError", "read_table"]


def _csv_rows(path: Path, encoding: str) -> Iterator[list[Any]]:
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh)
            try:
                yield from reader
            except csv.Error as exc:
                why = cut(str(exc))
                if "field larger than field limit" in str(exc):
                    why = f"a cell is longer than {csv.field_size_limit():,} characters"
                raise ImportFileError(f"{path}: line {reader.line_num}: not a readable CSV ({why})") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path}: cannot decode as {encoding} (set [source] encoding, e.g. gb18030)"
        ) from exc


def _rows(path: Path, profile: Profile) -> Iterator[list[Any]]:
    """The file's rows, after the size checks that need no parsing."""
    if path.suffix.lower() == ".xlsx":
        check_zip(path, profile.limits)
        return xlsx_rows(path, profile.sheet)
    size = path.stat().st_size
    if size > profile.limits.max_mb * MB:
        raise ImportFileError(
            f"{path}: refused: {size / MB:,.0f} MB (limit {profile.limits.max_mb} MB, [limits] max_mb)"
        )
    return _csv_rows(path, profile.encoding)


def _filled(row: list[Any]) -> bool:
    return any(v is not None and str(v).strip() for v in row)


def _check_header(path: Path, profile: Profile, header: list[str]) -> None:
    """Each name once (after trimming spaces), and every column the profile names present."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name and name in seen:
            first = seen[name]
            raise ImportFileError(
                f"{path}: columns {first} ({column_letters(first)}) and {i} ({column_letters(i)}) are both "
                f"named {cut(name)}; rename or delete one"
            )
        seen.setdefault(name, i)
    missing = [c for c in profile.required_columns if c not in seen]
    if missing:
        names = [cut(h) for h in header if h]
        shown = ", ".join(names[:30]) + (f" and {len(names) - 30} more" if len(names) > 30 else "")
        raise ImportFileError(
            f"{path}: column {cut(missing[0])} named in {profile.path.name} is not in the file; "
            f"columns are: {shown or '(none)'}"
        )


def _read(path: Path, profile: Profile) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    budget = Budget(path, profile.limits)
    try:
        rows = iter(_rows(path, profile))
        first = next(rows, None)
        budget.spend(len(first or ()))
        header = [column_key(h) for h in first or ()]
        body = []
        for n, row in enumerate(rows, start=2):
            budget.spend(len(row))
            if _filled(row):
                body.append((n, row))
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    return header, body


def read_table(path: Path, profile: Profile) -> list[tuple[int, dict[str, Any]]]:
    """Every non-empty data row keyed by header; the file-level problems above are fatal."""
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise ImportFileError(f"{path}: unknown file type {suffix or '(none)'!r}; import .csv or .xlsx")
    if not path.is_file():
        raise ImportFileError(f"{path}: cannot read file (not found)")
    header, body = _read(path, profile)
    if not any(header) and not body:
        raise ImportFileError(f"{path}: empty file (no header, no rows)")
    if not body:
        raise ImportFileError(f"{path}: no data rows (only the header)")
    _check_header(path, profile, header)
    return [
        (n, {h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h}) for n, row in body
    ]
