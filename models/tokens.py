"""Stored OAuth grants, one per (channel, shop): `<data>/state/tokens.json` (git-ignored, mode 0600).

    save_grant(data_dir, "shopee", "220001", {"access_token": ..., "refresh_token": ...,
               "access_expires_at": "...", "refresh_expires_at": "...", "obtained_at": "..."})
    grant(data_dir, "shopee", "220001")      # the record, or None
    expiry_table(data_dir)                   # what the Channels page shows: expiry times, never tokens

The file is replaced atomically (temp file created 0600, fsync, rename) under its lock, so a crash leaves
the old grant or the new one, and a reader never sees half of one. Shopee's refresh tokens are single
use: the new grant must be on disk before anything else happens (ingest/tokens.py holds the refresh lock).
Models only store and describe grants; ingest obtains and refreshes them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from models import atomic
from models.filelock import locked

EXPIRY_FIELDS = ("access_expires_at", "refresh_expires_at", "obtained_at", "obtained_by")


def tokens_path(data_dir: Path) -> Path:
    return data_dir / "state" / "tokens.json"


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def grant(data_dir: Path, channel: str, shop_id: str) -> dict[str, Any] | None:
    """The stored grant of (channel, shop), or None when it was never authorized here."""
    return _read(tokens_path(data_dir)).get(f"{channel}/{shop_id}")


def save_grant(data_dir: Path, channel: str, shop_id: str, record: dict[str, Any]) -> None:
    """Replace the grant of (channel, shop), atomically and readable by the owner only."""
    path = tokens_path(data_dir)
    with locked(path):
        value = _read(path)
        value[f"{channel}/{shop_id}"] = record
        _write_private(path, value)


def _write_private(path: Path, value: dict[str, Any]) -> None:
    """Atomically, readable by the owner only from its first byte (tokens are secrets)."""
    atomic.write_text(path, json.dumps(value, indent=2, sort_keys=True), mode=0o600)


def expiry_table(data_dir: Path) -> pd.DataFrame:
    """channel, shop_id, access/refresh expiry, when and how obtained: one row per stored grant, no token."""
    rows = []
    for key, record in sorted(_read(tokens_path(data_dir)).items()):
        channel, _, shop = key.partition("/")
        rows.append({"channel": channel, "shop_id": shop, **{f: _when(record.get(f)) for f in EXPIRY_FIELDS}})
    columns = ["channel", "shop_id", *EXPIRY_FIELDS]
    return pd.DataFrame(rows, columns=columns)


def _when(value: Any) -> Any:
    if isinstance(value, str) and value[:4].isdigit() and "T" in value:
        return datetime.fromisoformat(value)
    return value
