"""The demo marker: a small JSON file at the lake root saying the lake holds generated, not real, orders.

The console reads it to label every page "demo data"; the generator writes it last, so a lake with a
marker is a complete demo lake.

    >>> write_demo_marker(Path("data/lake"), {"seed": 7, "days": 90})
    >>> read_demo_marker(Path("data/lake"))["seed"]
    7
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from models import atomic

DEMO_MARKER = "DEMO.json"


def write_demo_marker(lake_dir: Path, info: dict[str, Any]) -> Path:
    """Write the marker atomically (models/atomic.py), so a reader never sees half of it."""
    return atomic.write_text(lake_dir / DEMO_MARKER, json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True))


def read_demo_marker(lake_dir: Path) -> dict[str, Any] | None:
    """The marker's content, or None when the lake holds no (readable) marker: treat it as real data."""
    try:
        value = json.loads((lake_dir / DEMO_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
