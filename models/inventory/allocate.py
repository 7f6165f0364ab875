"""Give stock to orders one after another, in the order they want it: pure Python over small dicts.

All or nothing per order: every SKU it needs must be there in the pool, else it gets nothing and is
oversold. Units come from the order's own warehouse first, then from the others with the most available.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Allocation:
    """What one pass decided: (order, sku, warehouse, qty) taken, and the orders left short."""

    taken: list[tuple[str, str, str, int]] = field(default_factory=list)
    short: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # order → sku → (need, pool)
    takers: dict[str, list[str]] = field(default_factory=dict)  # sku → orders given it in this pass, newest last


def pool(avail: dict[str, dict[str, int]], sku: str) -> int:
    """Available-to-sell of the whole pool: the sum over warehouses (the same formula as `inventory_pool`)."""
    return sum(avail.get(sku, {}).values())


def _take(stock: dict[str, int], qty: int, preferred: str | None) -> list[tuple[str, int]]:
    """Units from the preferred warehouse, then the fullest others; every warehouse's figure goes down."""
    order = sorted(stock, key=lambda w: (w != preferred, -stock[w], w))
    out = []
    for wh in order:
        if qty <= 0:
            break
        n = min(qty, stock[wh])
        if n > 0:
            stock[wh] -= n
            out.append((wh, n))
            qty -= n
    return out


def allocate(orders: list[tuple[str, str | None]], needs: dict[str, dict[str, int]],
             avail: dict[str, dict[str, int]]) -> Allocation:
    """`orders`: (order_id, preferred warehouse) in priority order; `needs`: order → sku → units.

    `avail` is consumed in place, so orders later in the list see what earlier ones left.
    """
    result = Allocation()
    for order_id, preferred in orders:
        want = needs.get(order_id, {})
        short = {sku: (qty, pool(avail, sku)) for sku, qty in want.items() if pool(avail, sku) < qty}
        if short:
            result.short[order_id] = short
            continue
        for sku, qty in sorted(want.items()):
            for wh, n in _take(avail.setdefault(sku, {}), qty, preferred):
                result.taken.append((order_id, sku, wh, n))
            result.takers.setdefault(sku, []).append(order_id)
    return result
