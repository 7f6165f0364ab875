"""Writing stock facts: counts (on hand at an instant) and movements (signed changes), and the SKU map.

    record_counts(lake_dir, [{"sku": "A", "warehouse": "Suzhou", "on_hand": 5, "snapshot_at": t}], source="upload")
    record_movements(lake_dir, [{"sku": "A", "warehouse": "Suzhou", "kind": "receipt", "qty": 3,
                                 "occurred_at": t, "ref": "PO-1"}], source="wms")
    map_listing(lake_dir, "shopee", "SP-BUNDLE", {"A": 1, "B": 2}, by="ops")

Every write is an append; ids are deterministic from the source's own reference, so a re-read feed page or
a re-uploaded file writes nothing new (the views keep one row per key).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models import lake
from models.ids import stable_hash

MOVEMENT_KINDS = ("receipt", "return", "adjustment", "transfer_in", "transfer_out", "damage", "shipment")


def movement_id(source: str, sku: str, warehouse: str, kind: str, occurred_at: datetime, ref: str | None) -> str:
    """The same movement from the same source is the same row, however often it is read."""
    return "MV-" + stable_hash(source, sku, warehouse, kind, occurred_at.astimezone(UTC).isoformat(), ref or "")


def record_counts(lake_dir: Path, rows: Iterable[Mapping[str, Any]], *, source: str,
                  batch_id: str | None = None) -> int:
    """Append on-hand counts (sku, warehouse, on_hand, snapshot_at, optional safety_stock); returns how many."""
    now = datetime.now(UTC)
    out = [{"sku": r["sku"], "warehouse": r["warehouse"], "on_hand": int(r["on_hand"]),
            "safety_stock": None if r.get("safety_stock") is None else int(r["safety_stock"]),
            "snapshot_at": r["snapshot_at"], "source": source, "ingested_at": now, "batch_id": batch_id}
           for r in rows]
    lake.write(lake_dir, "inventory", out)
    return len(out)


def record_movements(lake_dir: Path, rows: Iterable[Mapping[str, Any]], *, source: str,
                     batch_id: str | None = None) -> int:
    """Append movements (sku, warehouse, kind, signed qty, occurred_at, optional ref/note); returns how many."""
    now = datetime.now(UTC)
    out = []
    for r in rows:
        if r["kind"] not in MOVEMENT_KINDS:
            raise ValueError(f"unknown movement kind {r['kind']!r}; known: {', '.join(MOVEMENT_KINDS)}")
        out.append({"movement_id": movement_id(source, r["sku"], r["warehouse"], r["kind"], r["occurred_at"],
                                               r.get("ref")),
                    "sku": r["sku"], "warehouse": r["warehouse"], "kind": r["kind"], "qty": int(r["qty"]),
                    "occurred_at": r["occurred_at"], "source": source, "ref": r.get("ref"), "note": r.get("note"),
                    "ingested_at": now, "batch_id": batch_id})
    lake.write(lake_dir, "stock_movements", out)
    return len(out)


def map_listing(lake_dir: Path, channel: str, listing_id: str, components: Mapping[str, int], *, by: str,
                at: datetime | None = None, note: str | None = None) -> None:
    """Map a channel's listing to SKUs with quantities (a bundle: several); qty 0 removes a component.

    A new version of each (channel, listing_id, sku): the old mapping stays in the lake as history.
    """
    at = at or datetime.now(UTC)
    lake.write(lake_dir, "sku_map", [{"channel": channel, "listing_id": listing_id, "sku": sku, "qty": int(qty),
                                      "updated_at": at, "updated_by": by, "note": note}
                                     for sku, qty in components.items()])
