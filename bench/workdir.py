"""A data dir of our own over a shared benchmark lake: the lake's files as symlinks, the mart beside them.

Why: the generated lakes are shared (read-only to us), but the console path writes a mart under
`<data>/marts/`, and the incremental measurement adds an ingest batch; both go into this data dir.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from bench import synth
from models import lake
from models.schema import TABLES
from models.settings import Settings

WORK = Path(__file__).parent / "work"


def data_dir(lake_dir: Path, name: str, fresh: bool = False) -> Settings:
    """Settings over bench/work/<name>/: `lake/` mirrors `lake_dir`'s files as symlinks (made once per generated
    lake: a lake generated again, or by another version, gets a new data dir and mart)."""
    root = WORK / name
    if lake_dir.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"{lake_dir} is a data dir's copy: pass the generated lake (bench/lakes/<orders>/lake)")
    marker = lake_dir.parent / "COMPLETE"
    made_from = f"{lake_dir}\n{marker.read_text() if marker.exists() else ''}"
    if fresh or not (root / "READY").exists() or (root / "READY").read_text() != made_from:
        shutil.rmtree(root, ignore_errors=True)
        for table in TABLES:
            for path in lake.data_files(lake_dir, table):
                link = root / "lake" / path.relative_to(lake_dir)
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(path.resolve())
        (root / "READY").write_text(made_from)
    return Settings(data_dir=root)


def ingest_batch(settings: Settings, orders: int, new: int = 2_000, updated: int = 1_000, spread_days: int = 0,
                 after: int = 0) -> int:
    """One ingest-sized batch: `new` orders (numbered from `after` past the lake's last), and new versions and
    events of the `updated` most recent ones (as a pull of status changes writes them), or, with
    `spread_days`, of orders spread evenly over that many last days (a week of deliveries). Returns the
    orders it touches."""
    rng = np.random.default_rng(99 + after)
    recent = max(updated, orders * spread_days // 365)
    touched = np.unique(np.linspace(orders - recent, orders - 1, updated).astype(np.int64))
    idx = np.concatenate([touched, np.arange(orders + after, orders + after + new, dtype=np.int64)])
    span = 365 * 24 * synth.HOUR_US
    placed = synth._us(synth.END) - span + (idx * (span / orders)).astype(np.int64)
    placed = np.minimum(placed, synth._us(synth.END) - synth.HOUR_US)
    for table, data in synth.chunk_tables(rng, idx, placed, "bench-9999").items():
        lake.write(settings.lake_dir, table, data)
    return len(idx)
