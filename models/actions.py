"""The one writer of the audit trail: every human edit (and every sign-in lockout) becomes an `actions` row.

    record(lake_dir, user, "resolve", "exception", "EX-1", order_id="OH-1", before={...}, after={...})

The console writes nothing else except the new exception/order versions an edit implies (see
models/triage.py). `order_facts.has_action` — the manual-intervention KPI — reads these rows, so an
edit on an order moves that KPI. Rows are append-only; nothing here updates or deletes.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from models import lake


def to_json(value: Any) -> str | None:
    """Before/after values as JSON text (timestamps as ISO strings); None stays None."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    if pd.isna(value):
        return None
    return str(value)


def action_row(actor: Any, action: str, target_type: str, target_id: str, *, order_id: str | None = None,
               before: Any = None, after: Any = None, reason: str | None = None,
               occurred_at: datetime | None = None) -> dict[str, Any]:
    """One audit row; `actor` is anything with `.name` and `.role` (None for an anonymous attempt)."""
    return {
        "action_id": "ACT-" + uuid.uuid4().hex[:16].upper(),
        "occurred_at": occurred_at or datetime.now(UTC),
        "user": getattr(actor, "name", None),
        "role": getattr(actor, "role", None),
        "action": action, "target_type": target_type, "target_id": target_id, "order_id": order_id,
        "before": to_json(before), "after": to_json(after), "reason": reason,
    }


def record(lake_dir: Path, actor: Any, action: str, target_type: str, target_id: str,
           **details: Any) -> dict[str, Any]:
    """Append one audit row (see `action_row` for the fields) and return it."""
    row = action_row(actor, action, target_type, target_id, **details)
    lake.write(lake_dir, "actions", [row])
    return row


def record_many(lake_dir: Path, rows: list[dict[str, Any]]) -> None:
    """Append several rows built with `action_row` in one file (bulk edits)."""
    if rows:
        lake.write(lake_dir, "actions", rows)
