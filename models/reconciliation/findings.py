"""The reconciliation findings as exceptions: raised when a finding appears, auto-cleared when it no longer holds.

    result = sync_findings(connect(settings, materialize=True), settings.lake_dir, as_of=datetime.now(UTC))

The condition of each finding is SQL (`recon_findings(as_of)` in models/sql/reconciliation.sql); this only
turns its rows into exception versions through the triage machinery, so findings are worked in the same
queue as every other exception and the exception id (order, type) makes raising twice a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from models import lake
from models.db import LakeConnection
from models.exceptions import OPEN, new_exception, next_version, raise_exceptions
from models.money import from_minor
from models.versions import latest

FINDINGS = ("unshipped", "double_shipped", "unsettled", "settled_twice", "settlement_mismatch",
            "refund_not_returned", "returned_not_refunded")
SOURCE = "reconciliation"


def exception_type(finding: str) -> str:
    return f"recon_{finding}"


@dataclass
class SyncResult:
    found: int
    raised: int
    cleared: int


def findings(db: LakeConnection, as_of: datetime) -> pd.DataFrame:
    """Every finding as of an instant, one row per order and type (the SQL macro's rows)."""
    return db.sql("select * from recon_findings($as_of) order by finding, order_id", {"as_of": as_of}).df()


def _note(row: pd.Series) -> str:
    return f"{row.finding}: {from_minor(int(row.amount_cents), row.currency)} {row.currency}"


def sync_findings(db: LakeConnection, lake_dir: Path, as_of: datetime) -> SyncResult:
    """Raise an exception per new finding; auto-clear the open ones whose condition no longer holds."""
    found = findings(db, as_of)
    rows = [new_exception(r.order_id, exception_type(r.finding), source=SOURCE, note=_note(r), detected_at=as_of)
            for r in found.itertuples()]
    raised = raise_exceptions(lake_dir, rows)
    wanted = {r["exception_id"] for r in rows}
    open_now = db.sql("select exception_id from exceptions where source = $source and starts_with(type, 'recon_') "
                      "and status in (select unnest($open::varchar[]))",
                      {"source": SOURCE, "open": list(OPEN)}).fetchall()
    stale = sorted({r[0] for r in open_now} - wanted)
    cleared = [next_version(current, as_of, status="resolved", resolution_code="auto_cleared",
                            note=f"{current['note']} · no longer holds at {as_of.isoformat(timespec='minutes')}")
               for current in latest(lake_dir, "exceptions", stale).values() if current["status"] in OPEN]
    lake.write(lake_dir, "exceptions", cleared)
    return SyncResult(len(found), len(raised), len(cleared))
