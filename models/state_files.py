"""Small JSON state files under `<data>/state/` (watermarks, paused feeds, job run times), outside the lake.

Each file is replaced atomically (`models.atomic`: temp file, fsync, rename), so a crash leaves the old or the new
version, never half of one. Read-modify-write happens under an exclusive `flock` on a sibling lock file,
so `ingest run`, `ingest serve` and the console on one machine do not lose each other's updates.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models import atomic
from models.filelock import locked


def state_dir(data_dir: Path) -> Path:
    return data_dir / "state"


def read_json(path: Path) -> dict[str, Any]:
    """The file's object, or {} when it does not exist yet."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def write_json_atomic(path: Path, value: dict[str, Any]) -> None:
    atomic.write_text(path, json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))


def update_json(path: Path, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Apply `change` to the file's object under the lock and write it back atomically."""
    with locked(path):
        value = read_json(path)
        change(value)
        write_json_atomic(path, value)
        return value
