"""Ingest's small JSON state under `<data>/state/`: the watermarks of each channel and shop.

Files are read and replaced through `models.state_files` (atomic, under a lock; re-exported here for the
scheduler's job times). Paused feeds are `models.channel_state`: ingest pauses, the console resumes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from models.channel_state import channel_key
from models.filelock import locked
from models.state_files import read_json, state_dir, update_json, write_json_atomic

__all__ = ["Watermarks", "channel_key", "locked", "read_json", "state_dir", "update_json", "write_json_atomic"]


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
