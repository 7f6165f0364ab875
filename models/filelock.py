"""One exclusive file lock helper for every read-modify-write of a small state or config file.

Console sessions run as threads and ingest, the console and the e-mail job as processes; `flock` serialises
them all. The lock file sits beside what it protects (`<path>.lock`) and is never removed.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from models.settings import Settings


@contextlib.contextmanager
def locked(path: Path, *, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on `path` + '.lock'; yields False if non-blocking and someone else holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def state_lock(settings: Settings, name: str) -> contextlib.AbstractContextManager[bool]:
    """The lock named `name` under <data>/state/ (e.g. 'auth', 'triage', 'snapshot')."""
    return locked(settings.data_dir / "state" / name)
