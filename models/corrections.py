"""Human corrections that stick: a console address correction survives the platform re-sending the old address.

    orders = keep_corrections(settings.lake_dir, orders)   # just before ingest writes platform versions

A correction (`actions` row `correct_address`, written by models/triage.py) replaces the address the
order had then (`before`) with the operator's (`after`). A later platform version that still carries
the replaced address has not learned anything new, so the correction is carried into it; a platform
version with another address (the buyer changed it on the platform) wins, and the correction has done
its job. Only the latest correction of an order counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from models import lake
from models.db import retry_vanished

ACTION = "correct_address"


def _latest_corrections(lake_dir: Path, order_ids: list[str]) -> dict[str, tuple[dict, dict]]:
    """Order id → (before, after) of its latest address correction, for the given orders that have one; listed
    again when a compaction removed a file between the listing and the read."""
    def read() -> list[tuple]:
        files = [p.as_posix() for p in lake.data_files(lake_dir, "actions")]
        if not files or not order_ids:
            return []
        con = duckdb.connect()
        try:
            return con.execute(
                "select order_id, \"before\", \"after\" from read_parquet($files, hive_partitioning=false, "
                "union_by_name=true) where action = $action and order_id in (select unnest($ids::varchar[])) "
                "qualify row_number() over (partition by order_id order by occurred_at desc, action_id desc) = 1",
                {"files": files, "action": ACTION, "ids": order_ids},
            ).fetchall()
        finally:
            con.close()
    rows = retry_vanished(read)
    return {oid: (json.loads(before or "{}"), json.loads(after or "{}")) for oid, before, after in rows}


def _same(a: Any, b: Any) -> bool:
    """Equal as an operator reads them: blank and missing alike, spaces at the ends ignored."""
    return (str(a).strip() if a is not None else "") == (str(b).strip() if b is not None else "")


def corrected(order: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The platform's order with the correction laid over it while it still carries the replaced address."""
    if not after or not all(_same(order.get(k), v) for k, v in before.items()):
        return order  # the platform's own address changed: it wins
    return {**order, **after}


def keep_corrections(lake_dir: Path, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Platform order versions about to be written, each keeping its order's standing address correction."""
    fixes = _latest_corrections(lake_dir, [o["order_id"] for o in orders])
    if not fixes:
        return orders
    return [corrected(o, *fixes[o["order_id"]]) if o["order_id"] in fixes else o for o in orders]
