"""`python -m ingest serve --shard I/N`: this process pulls only its share of the channels.

    serve --shard 1/3   # on machine A: channels whose stable hash falls in 1 of 3; plus marts, compaction
    serve --shard 2/3   # on machine B
    serve --shard 3/3   # on machine C

Why leases besides the hash: during a roll-out two processes may be told overlapping shards (3 → 4
machines), or an old process may still run. Each channel's pulls are therefore done under a lease in the
lake (`models.lease`), held as long as its process keeps pulling and renewed at each pull: a second process
finds it taken and skips the channel until the holder stops renewing (it died). The jobs that must run in
one place (marts refresh, compaction, rules, alerts, the weekly e-mail) run under one more lease, so
whichever sharded process holds it runs them.

Watermarks stay in each process's own state folder: when a channel moves to another process, that process
starts from the look-back window and re-reads; the lake dedupes what it already holds.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models import lease
from models.settings import Settings

log = logging.getLogger(__name__)
SINGLETONS = "scheduler-singletons"
MIN_TTL_S = 600


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'2/3' → Shard(2, 3); anything else raises ValueError with what is expected."""
        try:
            index, count = (int(x) for x in text.split("/"))
        except ValueError:
            raise ValueError(f"--shard {text!r}: expected I/N, e.g. 1/3") from None
        if not 1 <= index <= count:
            raise ValueError(f"--shard {text!r}: I must be between 1 and N")
        return cls(index, count)

    def includes(self, channel: str) -> bool:
        """Stable across processes and Python runs (not `hash()`, which is salted per process)."""
        digest = int.from_bytes(hashlib.sha256(channel.encode()).digest()[:8], "big")
        return digest % self.count == self.index - 1


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def leased(settings: Settings, name: str, owner: str, ttl_s: float, job: Callable[[], Any]) -> Callable[[], Any]:
    """`job` wrapped to run only while this process holds lease `name` (taken or renewed at each run)."""
    def run() -> Any:
        if lease.acquire(settings.lake_dir, name, owner, max(ttl_s, MIN_TTL_S)) is None:
            log.info("%s is held by another process; skipped", name)
            return None
        return job()
    return run
