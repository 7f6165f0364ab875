"""What one import may cost (cells, bytes, seconds, items on a line) and how its errors quote values.

    budget = Budget(path, profile.limits)
    for row in rows: budget.spend(len(row))   # ImportFileError once a cap is passed

A seller's file is untrusted input: a zip bomb, a 1 GB cell or a million columns must end in a short,
clear refusal, not in minutes of work and gigabytes of memory. Every value quoted in an error goes
through `cut`, so no error line is longer than a screen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CUT = 80
MB = 1024 * 1024


class ImportFileError(Exception):
    """The file cannot be imported at all; the message names the file and the problem."""


def cut(value: Any, limit: int = CUT) -> str:
    """A value as quoted in an error: repr of at most `limit` characters of it plus '…'."""
    text = value if isinstance(value, str) else str(value)
    return repr(text[:limit] + "…") if len(text) > limit else repr(text)


@dataclass(frozen=True)
class Limits:
    """Caps per file, set in a profile's [limits] (docs/file-import.md); beyond them a file is refused."""

    max_qty: int = 10_000  # items on one line; a line above it is rejected
    max_cells: int = 5_000_000  # cells read (rows × columns), CSV or XLSX
    max_mb: int = 200  # a CSV's size; an XLSX's members, uncompressed, in all
    max_ratio: int = 100  # uncompressed / compressed size of any XLSX member over 1 MB
    max_seconds: int = 120  # reading the file


class Budget:
    """Cells and seconds spent reading one file; refuses the file when either runs out."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits = path, limits
        self.cells, self.deadline = 0, time.monotonic() + limits.max_seconds

    def spend(self, cells: int) -> None:
        self.cells += cells
        if self.cells > self.limits.max_cells:
            raise ImportFileError(
                f"{self.path}: refused: more than {self.limits.max_cells:,} cells ([limits] max_cells)"
            )
        if time.monotonic() > self.deadline:
            raise ImportFileError(
                f"{self.path}: refused: reading took over {self.limits.max_seconds} s ([limits] max_seconds)"
            )
