"""Replacing a file atomically: every temp file + rename in OrderHub goes through here.

    write_text(path, "...")                     # readers see the old file or the new one, never half of one
    write_bytes(path, data, mode=0o600)         # users.toml: owner-only from its first byte
    with replacing(path) as tmp:                # writers that need a path (Parquet, DuckDB COPY, csv)
        pq.write_table(table, tmp)

The temp file is hidden (`.tmp-<random>-<name>`) in the target's own folder, because a rename is atomic
only within one file system; its name is unique per call, so two writers of one target never write into
each other's temp file (the last rename wins, whole). It is fsynced before the rename and the folder after
it, so a power cut leaves the old file or the new one. On any error the temp file is removed and the target
is untouched. Names starting with TEMP_PREFIX are what readers skip and clean-ups remove.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

TEMP_PREFIX = ".tmp-"


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's entry to disk (a rename is durable only once its folder is synced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path(path: Path) -> Path:
    """A fresh hidden name beside `path` that no other writer uses."""
    return path.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}-{path.name}")


@contextlib.contextmanager
def replacing(path: Path, mode: int | None = None) -> Iterator[Path]:
    """Yield a temp path to write the new content to; on a clean exit it becomes `path` (fsynced, renamed,
    folder fsynced). `mode` (e.g. 0o600) is the file's permission from creation on; None: the usual umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode))
        yield tmp
        if mode is not None:
            os.chmod(tmp, mode)  # in case the writer recreated the file
        fsync_path(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def write_bytes(path: Path, data: bytes, mode: int | None = None) -> Path:
    """Replace `path` with `data` atomically (see the module docstring); returns `path`."""
    with replacing(path, mode) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
    return path


def write_text(path: Path, text: str, mode: int | None = None, encoding: str = "utf-8") -> Path:
    """Replace `path` with `text` atomically, encoded as `encoding` (no newline translation)."""
    return write_bytes(path, text.encode(encoding), mode)
