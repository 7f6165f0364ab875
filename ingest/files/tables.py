"""Read a CSV or XLSX export into (row number, {column: value}) pairs, checking the profile's columns.

Row numbers are the ones a user sees in Excel or a text editor: the header is row 1. `Table` reads the rows as
they are used, so a file of millions of rows never sits in memory whole (the orders importer reads it twice
that way); `read_table` lists them, for the smaller files the other importers read. The whole file is
refused, with one short line, when it is empty, has no data rows, repeats a column name, lacks a column
the profile names, or passes a cap of its profile's [limits] (ingest/files/limits.py).
"""

from __future__ import annotations

import csv
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ingest.files import cells
from ingest.files.limits import MB, Budget, ImportFileError, cut
from ingest.files.profile import Profile, column_key
from ingest.files.xlsx import check_zip, column_letters, xlsx_rows

EXTENSIONS = (".csv", ".xlsx")
__all__ = ["EXTENSIONS", "ImportFileError", "Table", "read_table"]


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


_NONE = object()


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def _repeated(hashes: array) -> frozenset[int]:
    """The values found more than once (sorted as 8-byte integers: 15 M runs take 120 MB, not a set's 1 GB)."""
    if len(hashes) < 2:
        return frozenset()
    ordered = np.sort(np.frombuffer(hashes, dtype=np.int64))
    return frozenset(ordered[1:][ordered[1:] == ordered[:-1]].tolist())


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


class Table:
    """A file's header and its non-empty data rows, read as they are iterated (one row in memory at a time).

    Opening reads the whole file once, as the smaller importers always did: its caps are checked and its
    rows counted before any row is used. Given `group_by` (a column, its cells read by `cells.order_ref`), it
    also finds the keys whose rows are not all together (a row of another key between two of theirs), so a
    reader that takes an order's rows as one run can keep those orders for the end (`apart`). Each later pass
    reads the file again; `unchanged` tells whether it is still the file that was opened.
    """

    def __init__(self, path: Path, profile: Profile, *, group_by: str | None = None) -> None:
        suffix = path.suffix.lower()
        if suffix not in EXTENSIONS:
            raise ImportFileError(f"{path}: unknown file type {suffix or '(none)'!r}; import .csv or .xlsx")
        if not path.is_file():
            raise ImportFileError(f"{path}: cannot read file (not found)")
        self.path, self.profile, self._stamp = path, profile, _stamp(path)
        self.count, starts, column, before = 0, array("q"), None, _NONE
        for _, row in self.rows(Budget(path, profile.limits)):
            if not self.count and group_by is not None and group_by in self.header:
                column = self.header.index(group_by)
            self.count += 1
            if column is not None:
                key = cells.order_ref(row[column] if column < len(row) else None)
                if key is not None and key != before:  # a run of one key starts: its hash, 8 bytes
                    starts.append(hash(key))
                    before = key
        if not self.count:
            if not any(self.header):
                raise ImportFileError(f"{path}: empty file (no header, no rows)")
            raise ImportFileError(f"{path}: no data rows (only the header)")
        _check_header(path, profile, self.header)
        self._apart = _repeated(starts)

    def apart(self, key: str) -> bool:
        """Whether `key` starts more than one run (or shares a hash with one that does: kept apart too)."""
        return hash(key) in self._apart

    def unchanged(self) -> bool:
        return _stamp(self.path) == self._stamp

    def rows(self, budget: Budget | None = None) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) of every non-empty data row, the header being row 1; the opening pass spends
        the [limits] budget, later passes (whose time goes to building orders, not reading) do not."""
        try:
            rows = iter(_rows(self.path, self.profile))
            first = next(rows, None)
            self.header = [column_key(h) for h in first or ()]
            if budget is not None:
                budget.spend(len(first or ()))
            for n, row in enumerate(rows, start=2):
                if budget is not None:
                    budget.spend(len(row))
                if _filled(row):
                    yield n, row
        except OSError as exc:
            raise ImportFileError(f"{self.path}: cannot read file ({exc.strerror or exc})") from exc

    def again(self) -> Iterator[tuple[int, list[Any]]]:
        """The rows read once more; ImportFileError if the file changed since it was opened."""
        if not self.unchanged():
            raise ImportFileError(f"{self.path}: the file changed while it was being imported; import it again")
        return self.rows()

    def record(self, row: list[Any]) -> dict[str, Any]:
        """A row's cells keyed by header (a short row's missing cells are None)."""
        size = len(row)
        return {h: (row[i] if i < size else None) for i, h in enumerate(self.header) if h}

    def keyed(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every non-empty data row keyed by header, read once more (see `again`)."""
        for n, row in self.again():
            yield n, self.record(row)


def read_table(path: Path, profile: Profile) -> list[tuple[int, dict[str, Any]]]:
    """Every non-empty data row keyed by header; the file-level problems above are fatal."""
    return list(Table(path, profile).keyed())
