"""Leases in the lake: at most one process holds a name (a channel's pulls, the marts job) at a time.

    lease = acquire(settings.lake_dir, "pull:shopee", owner, ttl_s=1800)   # None: someone else holds it
    ...                                                                    # pull; acquire again to renew

Why in the lake: processes on several machines share nothing else (their state folders are their own).
A lease is a series of generation objects `_leases/<name>/<generation>.json`, each created only if absent
(`objectstore.create_only`: a conditional PUT on S3, an exclusive link locally), holding its owner and expiry.
Whoever creates generation g+1 holds the lease; two processes racing for it cannot both win. The holder
renews by creating the next generation; another process takes over only once the newest one has expired
(its holder died or stopped renewing). No clock is trusted beyond the TTL: keep ttl_s well above the skew
between machines and the longest gap between renewals.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models import objectstore

FOLDER = "_leases"
KEEP = 3  # generations kept besides the newest: a reader that listed just before a clean-up still finds one


@dataclass(frozen=True)
class Lease:
    name: str
    owner: str
    generation: int
    expires_at: float


def _folder(lake_dir: Path, name: str) -> Path:
    return lake_dir / FOLDER / name.replace("/", "_").replace(":", "=")


def _generations(folder: Path) -> list[int]:
    if not objectstore.is_object(folder) and not folder.exists():
        return []
    return sorted(int(p.name.removesuffix(".json")) for p in folder.glob("*.json") if p.name[:1].isdigit())


def holder(lake_dir: Path, name: str) -> tuple[int, dict]:
    """The newest generation and its content ((0, {}) when the lease was never taken)."""
    folder = _folder(lake_dir, name)
    for generation in reversed(_generations(folder)):
        try:
            return generation, json.loads((folder / f"{generation:012d}.json").read_bytes())
        except FileNotFoundError:  # cleaned up since listing: the next older one is still there
            continue
    return 0, {}


def acquire(lake_dir: Path, name: str, owner: str, ttl_s: float,
            now: Callable[[], float] = time.time) -> Lease | None:
    """Take or renew the lease `name` for `ttl_s` seconds; None while another owner's lease is valid."""
    folder = _folder(lake_dir, name)
    generation, current = holder(lake_dir, name)
    if current and current.get("owner") != owner and current.get("expires_at", 0) > now():
        return None
    lease = Lease(name, owner, generation + 1, now() + ttl_s)
    body = json.dumps({"owner": owner, "expires_at": lease.expires_at, "taken_at": now()}).encode()
    if not objectstore.create_only(folder / f"{lease.generation:012d}.json", body):
        return None  # another process created that generation first: it holds the lease
    for old in _generations(folder)[:-KEEP - 1]:
        (folder / f"{old:012d}.json").unlink(missing_ok=True)
    return lease


def release(lake_dir: Path, lease: Lease, now: Callable[[], float] = time.time) -> bool:
    """Give the lease up at once (a next generation that has already expired), if we still hold it."""
    generation, current = holder(lake_dir, lease.name)
    if generation != lease.generation or current.get("owner") != lease.owner:
        return False
    body = json.dumps({"owner": lease.owner, "expires_at": 0, "taken_at": now()}).encode()
    return objectstore.create_only(_folder(lake_dir, lease.name) / f"{generation + 1:012d}.json", body)
