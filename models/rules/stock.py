"""Routing against stock, one order after another in the order they were paid.

Orders of one batch consume each other's stock: an order routed to a warehouse takes its units there, and
the next order sees what is left. For each order the matching routing rules are tried in their order; a
rule whose warehouse is short falls through to the next. When none fits and a matching rule allows it
(`split = true`), a split shipment is proposed (never made): the units from that rule's warehouse first,
the rest from the warehouses with the most available.
"""

from __future__ import annotations

import pandas as pd

from models.db import LakeConnection

COLUMNS = ["order_id", "pos", "rule_id", "warehouse", "hold", "ok", "chosen", "stock_at", "split"]
Stock = dict[tuple[str, str], int]


def _fits(need: dict[str, int], stock: Stock, warehouse: str) -> bool:
    return all(stock.get((sku, warehouse), 0) >= qty for sku, qty in need.items())


def _split(need: dict[str, int], stock: Stock, first: str, warehouses: list[str]) -> str | None:
    """'Suzhou: A×1; Hefei: A×1' if the warehouses together hold every line, else None."""
    plan: dict[str, list[str]] = {}
    for sku, qty in sorted(need.items()):
        for wh in sorted(warehouses, key=lambda w: (w != first, -stock.get((sku, w), 0), w)):
            n = min(qty, max(stock.get((sku, wh), 0), 0))
            if n:
                plan.setdefault(wh, []).append(f"{sku}×{n}")
                qty -= n
        if qty > 0:
            return None
    return "; ".join(f"{wh}: {', '.join(items)}" for wh, items in plan.items())


def _route_one(hits: list[dict], need: dict[str, int], stock: Stock, warehouses: list[str]) -> list[dict]:
    chosen = None
    for h in hits:
        h["ok"] = bool(h["hold"]) or (h["warehouse"] is not None and _fits(need, stock, h["warehouse"]))
        h["chosen"] = chosen is None and h["ok"]
        if h["chosen"]:
            chosen = h
    if chosen is not None and not chosen["hold"]:
        for sku, qty in need.items():
            stock[(sku, chosen["warehouse"])] = stock.get((sku, chosen["warehouse"]), 0) - qty
    full = ", ".join(w for w in warehouses if _fits(need, stock, w)) or None
    splitter = next((h for h in hits if h["split"] and h["warehouse"]), None)
    proposal = _split(need, stock, splitter["warehouse"], warehouses) if chosen is None and splitter else None
    return [{**h, "stock_at": None if chosen is not None else full, "split": proposal} for h in hits]


def route_in_order(db: LakeConnection, hits: pd.DataFrame) -> pd.DataFrame:
    """`hits` (order_id, pos, rule_id, warehouse, hold, split) → COLUMNS, batch stock consumed in paid order."""
    stock: Stock = {(s, w): int(n) for s, w, n in db.con.execute("select * from rule_stock").fetchall()}
    warehouses = sorted({w for _, w in stock})
    needs: dict[str, dict[str, int]] = {}
    for oid, sku, qty in db.con.execute("select order_id, sku, qty from rule_need").fetchall():
        needs.setdefault(oid, {})[sku] = int(qty)
    by_order: dict[str, list[dict]] = {}
    for h in hits.sort_values("pos").to_dict("records"):
        h["warehouse"] = h["warehouse"] if isinstance(h["warehouse"], str) else None
        by_order.setdefault(h["order_id"], []).append(h)
    queue = db.con.execute("select order_id from rule_batch order by coalesce(paid_at, placed_at), order_id")
    rows = [r for (oid,) in queue.fetchall() if oid in by_order
            for r in _route_one(by_order[oid], needs.get(oid, {}), stock, warehouses)]
    return pd.DataFrame(rows, columns=COLUMNS).sort_values(["order_id", "pos"], ignore_index=True)
