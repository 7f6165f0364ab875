"""The receiver's on-disk queue: what it acknowledged is on disk before the 200 goes out.

    spool.append(records)       # request thread: one fsynced JSON line per event
    spool.drain(write)          # flusher: hands each closed batch to `write`, deletes it after

Appends go to `current.jsonl`; `drain` renames it to a batch file under the same lock (so no append is
lost) and then writes batches outside the lock, oldest first. A batch file is deleted only after `write`
returned, so a receiver killed at any point re-writes it on start; the store's dedupe makes that harmless.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from models.atomic import fsync_path

TIMES = ("occurred_at", "received_at")


class Spool:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.current = folder / "current.jsonl"
        self.lock = threading.Lock()

    def append(self, records: list[dict[str, Any]]) -> None:
        lines = "".join(json.dumps({k: v.isoformat() if isinstance(v, datetime) else v for k, v in r.items()},
                                   ensure_ascii=False) + "\n" for r in records)
        with self.lock, open(self.current, "a", encoding="utf-8") as fh:
            fh.write(lines)
            fh.flush()
            os.fsync(fh.fileno())

    def _close_current(self) -> None:
        with self.lock:
            if self.current.exists() and self.current.stat().st_size:
                name = f"batch-{datetime.now():%Y%m%d%H%M%S%f}-{uuid.uuid4().hex[:6]}.jsonl"
                os.replace(self.current, self.folder / name)
                fsync_path(self.folder)

    def pending(self) -> int:
        """Events on disk not yet written to the lake."""
        return sum(len(read(p)) for p in sorted(self.folder.glob("*.jsonl")))

    def drain(self, write: Callable[[list[dict[str, Any]]], Any]) -> int:
        """Write every closed batch (and the current one), oldest first; returns how many events."""
        self._close_current()
        done = 0
        for batch in sorted(self.folder.glob("batch-*.jsonl")):
            records = read(batch)
            write(records)
            batch.unlink()
            done += len(records)
        return done


def read(path: Path) -> list[dict[str, Any]]:
    """A spool file's records; a last line cut short by a crash mid-append was never acknowledged."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        out.append({k: datetime.fromisoformat(v) if k in TIMES and v else v for k, v in rec.items()})
    return out
