"""Settlement lines, from a report file or a platform's payout API, into the `settlements` table.

    rows = [settlement_line(key, "shopee", "sg1", "2406...", "fee", -130, "SGD", at, report="shopee-income")]
    store_settlements(settings, rows)      # writes, then raises / clears the reconciliation findings

Every path builds lines with `settlement_line`, so a line's id depends only on where it came from (channel,
shop, report and the report's own line id): importing a report again, or pulling a payout twice, stores
nothing new, while a platform that really pays an order twice gives two lines (and a finding).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models import lake
from models.db import connect
from models.ids import order_id, stable_hash
from models.reconciliation.findings import SyncResult, sync_findings
from models.schema import SETTLEMENT_LINE_TYPES
from models.settings import Settings


def settlement_line(line_key: str, channel: str, shop_id: str, platform_order_id: str | None, line_type: str,
                    amount_cents: int, currency: str, settled_at: datetime, *, report: str,
                    payout_id: str | None = None, batch_id: str | None = None) -> dict[str, Any]:
    """One `settlements` row; `line_key` is the report's id of the line (or a digest of its content)."""
    if line_type not in SETTLEMENT_LINE_TYPES:
        raise ValueError(f"line type {line_type!r} is not one of {', '.join(SETTLEMENT_LINE_TYPES)}")
    return {
        "settlement_id": "ST-" + stable_hash(channel, shop_id, report, line_key, line_type),
        "channel": channel, "shop_id": shop_id, "platform_order_id": platform_order_id,
        "order_id": order_id(channel, shop_id, platform_order_id) if platform_order_id else None,
        "line_type": line_type, "amount_cents": amount_cents, "currency": currency.upper(),
        "settled_at": settled_at, "payout_id": payout_id, "report": report, "source_line_id": line_key,
        "ingested_at": datetime.now(UTC), "batch_id": batch_id,
    }


def store_settlements(settings: Settings, rows: list[dict[str, Any]], *, now: datetime | None = None) -> SyncResult:
    """Write the lines and bring the findings (as exceptions) up to date with them."""
    lake.write(settings.lake_dir, "settlements", rows)
    # Findings cover every order: read from the mart (refreshed for the lines just written, whose orders they
    # touch), not from the live views, which would work out every order's facts again (minutes at 10 M orders).
    db = connect(settings, materialize=True)
    try:
        return sync_findings(db, settings.lake_dir, now or datetime.now(UTC))
    finally:
        db.close()


def reconcile(settings: Settings, now: datetime | None = None) -> SyncResult:
    """The scheduler's hourly job: findings raised and cleared as time passes (a settlement delay runs out,
    a ship-by time passes) even when no settlement arrives."""
    return store_settlements(settings, [], now=now)
