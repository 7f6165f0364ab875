"""The marker that says a lake holds generated demo data, so the console can label it as such."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

DEMO_MARKER = "DEMO.json"


def write_demo_marker(lake_dir: Path, info: dict[str, Any]) -> None:
    lake_dir.mkdir(parents=True, exist_ok=True)
    tmp = lake_dir / f".{DEMO_MARKER}.tmp"
    tmp.write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, lake_dir / DEMO_MARKER)


def read_demo_marker(lake_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((lake_dir / DEMO_MARKER).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
