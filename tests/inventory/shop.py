"""Hand-made orders for the inventory tests: an order is a channel, lines of listings and dated steps."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from models import lake
from models.db import connect
from models.ids import event_id
from models.settings import Settings

STAGE = {"placed": "pending_payment", "paid": "to_ship", "picked": "picked", "shipped": "shipped",
         "cancelled": "cancelled"}


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def order(lake_dir: Path, oid: str, channel: str, lines: dict[str, int], steps: dict[str, datetime],
          warehouse: str | None = None) -> None:
    """Write an order: `lines` listing → qty, `steps` event → time (placed is required)."""
    last = max(steps, key=lambda s: steps[s])
    row = {"order_id": oid, "channel": channel, "shop_id": "s1", "platform_order_id": oid, "status": STAGE[last],
           "raw_status": last, "currency": "CNY", "total_cents": 1000, "placed_at": steps["placed"],
           "paid_at": steps.get("paid"), "warehouse": warehouse, "updated_at": steps[last],
           "ingested_at": steps[last]}
    lake.write(lake_dir, "orders", [row])
    lake.write(lake_dir, "order_lines", [
        {"order_id": oid, "line_no": i, "sku": listing, "qty": qty, "placed_at": steps["placed"],
         "updated_at": steps["placed"], "ingested_at": steps["placed"]}
        for i, (listing, qty) in enumerate(lines.items(), start=1)])
    lake.write(lake_dir, "order_events", [
        {"event_id": event_id(oid, ev, "platform", t), "order_id": oid, "event": ev, "source": "platform",
         "occurred_at": t, "ingested_at": t} for ev, t in steps.items()])


def query(settings: Settings, sql: str) -> list[tuple]:
    db = connect(settings)
    try:
        return db.sql(sql).fetchall()
    finally:
        db.close()


def state(settings: Settings) -> list[tuple]:
    """(order_id, sku, warehouse, qty, state, reason) of every reservation, sorted."""
    return query(settings, "select order_id, sku, warehouse, qty, state, reason from reservation_state "
                           "order by order_id, sku, warehouse")


def exceptions(settings: Settings) -> list[tuple]:
    return query(settings, "select order_id, type, status, note from exceptions where source = 'inventory' "
                           "order by order_id, type")
