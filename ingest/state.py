"""Small JSON state files under `<data>/state/`: watermarks, paused channels, job run times.

Each file is replaced atomically (`models.atomic`: temp file, fsync, rename), so a crash leaves the old or the new
version, never half of one. Read-modify-write happens under an exclusive `flock` on a sibling lock file,
so `ingest run` and `ingest serve` on one machine do not lose each other's updates.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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


def channel_key(channel: str, shop_id: str) -> str:
    return f"{channel}/{shop_id}"


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


class Watermarks:
    """Per (channel, shop): the upper bound of the last window that is safely in the lake."""

    def __init__(self, data_dir: Path):
        self.path = state_dir(data_dir) / "watermarks.json"

    def get(self, channel: str, shop_id: str) -> datetime | None:
        raw = read_json(self.path).get(channel_key(channel, shop_id))
        return datetime.fromisoformat(raw["at"]) if raw else None

    def set(self, channel: str, shop_id: str, at: datetime, run_id: str) -> None:
        def change(value: dict[str, Any]) -> None:
            value[channel_key(channel, shop_id)] = {"at": _iso(at), "run_id": run_id}

        update_json(self.path, change)

    def window_start(
        self, channel: str, shop_id: str, now: datetime, overlap: timedelta, initial_lookback: timedelta
    ) -> datetime:
        """Where the next pull starts: the watermark minus the overlap, or the initial look-back."""
        mark = self.get(channel, shop_id)
        return now - initial_lookback if mark is None else mark - overlap


class Paused:
    """Channels stopped after repeated failures; only an explicit resume starts them again."""

    def __init__(self, data_dir: Path):
        self.path = state_dir(data_dir) / "paused.json"

    def all(self) -> dict[str, dict[str, Any]]:
        return read_json(self.path)

    def get(self, channel: str, shop_id: str) -> dict[str, Any] | None:
        return self.all().get(channel_key(channel, shop_id))

    def pause(self, channel: str, shop_id: str, reason: str, run_id: str, at: datetime) -> None:
        def change(value: dict[str, Any]) -> None:
            value[channel_key(channel, shop_id)] = {"since": _iso(at), "reason": reason, "run_id": run_id}

        update_json(self.path, change)

    def resume(self, channel: str, shop_id: str) -> dict[str, Any] | None:
        """Remove the pause; returns what it was (None if the channel was not paused)."""
        before: dict[str, Any] = {}

        def change(value: dict[str, Any]) -> None:
            before.update(value.pop(channel_key(channel, shop_id), None) or {})

        update_json(self.path, change)
        return before or None
