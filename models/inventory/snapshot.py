"""The saved reservation state: a cache of `reservation_state` so a pass folds only the events since.

    lag = snapshot.load(db, files)      # temp table reservation_state = the saved state + newer files folded
    ...                                 # the pass writes events and folds them (models/inventory/state.py)
    if snapshot.due(lag, len(written)):
        snapshot.save(db, files + written)  # the state, as covering exactly these event files

Why: folding the whole reservation history cost seconds per pass and grew with the history; a pass after
a batch adds a few thousand events. The snapshot (one Parquet file of the folded state) and its manifest
(the event files it covers by path and size, the rule's fingerprint) live under `<data>/marts/
reservation_state/`, beside the other rebuildable marts: not part of the lake, deleting the folder costs
one full fold. A pass starts from it when every covered file is still there unchanged and folds the files
it does not cover; otherwise (a covered file gone after compaction or a repair, another rule, a missing or
unreadable snapshot) it folds the whole history. Saving rewrites the whole state (seconds at a million
orders), so a pass saves only after a full fold or once the saved state lags SAVE_AFTER event files behind;
in between each pass folds the few files since (about two a pass). Either way the state equals the view over the events
(tests/inventory/test_snapshot.py). Only the pass, under its lock, reads or writes it. Writes are atomic:
the state file first, the manifest last, then older state files go, so a crash at any point leaves a
manifest naming a whole state; events written after it are simply not covered yet and are folded next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from models import atomic, objectstore
from models.db import SQL_DIR, LakeConnection
from models.inventory import state
from models.settings import Settings

MANIFEST = "manifest.json"
LAYOUT = 1
SAVE_AFTER = 16  # event files the saved state may lag behind before a pass saves it again


@dataclass(frozen=True)
class Manifest:
    """What a saved state reflects: its file, row count, the event files it covers (path → size), the rule."""

    state: str
    rows: int
    files: dict[str, int]
    fingerprint: str


def folder(settings: Settings) -> Path:
    return settings.data_dir / "marts" / "reservation_state"


def fingerprint() -> str:
    """Changes when the rule or the events' schema does: a state saved under another one is not reused."""
    parts = [(SQL_DIR / "inventory.sql").read_text(encoding="utf-8"), str(state.EVENTS.schema), f"layout {LAYOUT}"]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def load(db: LakeConnection, files: list[str]) -> int | None:
    """Fill the connection's `reservation_state` for the events in `files` (the connection's own listing):
    from the snapshot plus the files it does not cover (returns how many), or from every event (None)."""
    where = folder(db.settings)
    saved = read_manifest(where)
    current = sized(db.settings, files)
    if saved is None or saved.fingerprint != fingerprint() or \
            any(current.get(path) != size for path, size in saved.files.items()):
        state.freeze(db)
        return None
    db.con.execute(f"create or replace temp table reservation_state as from read_parquet('{_q(where / saved.state)}')")
    newer = [f for f in files if relative(db.settings, f) not in saved.files]
    state.fold_files(db, newer)
    return len(newer)


def due(lag: int | None, written: int) -> bool:
    """Should the pass save its state: after a full fold, or when the saved one lags SAVE_AFTER files."""
    return lag is None or lag + written >= SAVE_AFTER


def save(db: LakeConnection, files: list[str]) -> None:
    """Save the connection's `reservation_state` as the state of exactly the events in `files`."""
    where = folder(db.settings)
    name = f"state-{uuid.uuid4().hex[:12]}.parquet"
    with atomic.replacing(where / name) as tmp:  # snappy: written 1.5–2× faster than zstd, read as fast
        db.con.execute(f"copy reservation_state to '{_q(tmp)}' (format parquet, compression snappy)")
    rows = pq.read_metadata(where / name).num_rows
    manifest = Manifest(name, rows, sized(db.settings, files), fingerprint())
    atomic.write_text(where / MANIFEST, json.dumps(manifest.__dict__))
    for old in where.glob("state-*.parquet"):  # only the pass, under its lock, reads them
        if old.name != name:
            old.unlink(missing_ok=True)


def read_manifest(where: Path) -> Manifest | None:
    """The manifest if it and the state file it names are readable and agree on the row count; else None."""
    try:
        manifest = Manifest(**json.loads((where / MANIFEST).read_text(encoding="utf-8")))
        if pq.read_metadata(where / manifest.state).num_rows != manifest.rows:
            return None
    except Exception:  # missing, older layout, edited by hand, state file gone or corrupt: fold everything
        return None
    return manifest


def sized(settings: Settings, files: list[str]) -> dict[str, int]:
    """Each file's size by its path inside the lake (-1 when it vanished since it was listed)."""
    out = {}
    for f in files:
        try:
            out[relative(settings, f)] = objectstore.to_path(f).stat().st_size
        except FileNotFoundError:
            out[relative(settings, f)] = -1
    return out


def relative(settings: Settings, path: str) -> str:
    if objectstore.is_object(settings.lake_dir):
        return path.removeprefix(f"{settings.lake_dir}/")
    return os.path.relpath(path, settings.lake_dir)


def _q(path: Path) -> str:
    return path.as_posix().replace("'", "''")
