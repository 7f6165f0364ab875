"""The facts mart shared through the bucket when the lake is on object storage (models/facts_mart.py).

    generation = pull(lake_dir, folder)                    # the bucket's mart into the local folder, if newer
    publish(lake_dir, folder, manifest, generation)        # our refresh, committed as the next generation

Why: with `ORDERHUB_LAKE=s3://...` every machine (consoles, the e-mail job, the marts job) would otherwise
rebuild `order_facts` from the whole lake on its own disk. The mart's files go to `<lake>/_marts/order_facts/`
as objects written once under unique names, and its manifest as a series of generation objects
`manifest-<generation>.json`, each created only if absent (`objectstore.create_only`: `If-None-Match: *`).
A writer commits generation g+1 only if nobody committed since it pulled g: of two racing refreshes one
wins, the other's files are orphans removed after GRACE_S. A reader pulls the newest generation and the
files it names into its local mart folder (its read-through copy; DuckDB reads local files) and refreshes
from there, incrementally. A store that refuses conditional writes gets no shared mart: each machine keeps
its own (correct, only slower; docs/scale.md).
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from models import atomic, objectstore

log = logging.getLogger(__name__)
FOLDER = "_marts/order_facts"
PREFIX, SUFFIX = "manifest-", ".json"
KEEP = 3  # older manifest generations kept: a reader that listed just before a clean-up still finds one


def bucket_dir(lake_dir: Any) -> Any:
    return lake_dir / FOLDER


def _manifest_name(generation: int) -> str:
    return f"{PREFIX}{generation:012d}{SUFFIX}"


def _generations(folder: Any) -> list[int]:
    names = (p.name for p in folder.glob(f"{PREFIX}*{SUFFIX}"))
    return sorted(int(n.removeprefix(PREFIX).removesuffix(SUFFIX)) for n in names)


def newest(lake_dir: Any) -> tuple[int, dict | None]:
    """The newest committed generation and its manifest (as JSON); (0, None) before the first commit."""
    folder = bucket_dir(lake_dir)
    for generation in reversed(_generations(folder)):
        try:
            return generation, json.loads((folder / _manifest_name(generation)).read_bytes())
        except FileNotFoundError:  # cleaned since listing: the next older one is still there
            continue
    return 0, None


def pull(lake_dir: Any, folder: Path, local_name: str) -> int:
    """Make the local mart folder hold the bucket's newest mart (its files, then its manifest as `local_name`)
    unless it already does; the generation it reflects (0: none committed yet)."""
    generation, manifest = newest(lake_dir)
    local = folder / local_name
    if manifest is None or _read(local) == manifest:
        return generation
    remote = bucket_dir(lake_dir)
    try:
        for name in _files(manifest):
            if not (folder / name).exists():
                atomic.write_bytes(folder / name, (remote / name).read_bytes())
    except FileNotFoundError:  # a newer commit retired it meanwhile: keep ours, the refresh builds on it
        return generation
    atomic.write_bytes(local, json.dumps(manifest).encode())
    return generation


def _files(manifest: dict) -> list[str]:
    """Every file a manifest names (one of an older layout names none: that mart is rebuilt, not pulled)."""
    return [name for kind in ("parts", "keys", "quality", "exceptions") if isinstance(manifest.get(kind), dict)
            for name in manifest[kind].values()]


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):  # none yet, or half-written by hand: the bucket's replaces it
        return None


def publish(lake_dir: Any, folder: Path, manifest: dict, names: set[str], pulled: int, grace_s: float) -> bool:
    """Upload the files `names` the bucket lacks, then commit `manifest` as generation `pulled` + 1 if nobody
    committed it first; True if ours is now the bucket's mart. Then remove what no reader can need."""
    remote = bucket_dir(lake_dir)
    present = {p.name for p in remote.glob("*")}
    for name in sorted(names - present):
        (remote / name).write_bytes((folder / name).read_bytes())  # one upload: whole or invisible
    try:
        won = objectstore.create_only(remote / _manifest_name(pulled + 1), json.dumps(manifest).encode())
    except objectstore.ConditionalWriteUnsupported:
        log.warning("the store refuses conditional writes: the mart stays on this machine (docs/scale.md)")
        return False
    if won:
        _clean(remote, manifest, names, pulled + 1, grace_s)
    return won


def _clean(remote: Any, manifest: dict, names: set[str], generation: int, grace_s: float) -> None:
    """Delete mart objects retired (or, not named, uploaded) more than `grace_s` ago, and old generations."""
    cutoff = time.time() - grace_s
    for path in remote.glob("*.parquet"):
        if path.name in names:
            continue
        try:
            at = manifest.get("retired", {}).get(path.name) or path.stat().st_mtime
            if at < cutoff:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
    for old in _generations(remote)[:-KEEP - 1]:
        if old < generation:
            (remote / _manifest_name(old)).unlink(missing_ok=True)
