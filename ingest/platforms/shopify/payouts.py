"""Shopify Payments balance transactions: `GET /admin/api/<version>/shopify_payments/balance/transactions.json`.

Checked against shopify.dev (REST Admin "Transactions" of Shopify Payments, scope `shopify_payments_payouts`):
each transaction has `id`, `type` (charge, refund, dispute, reserve, adjustment, payout …), `payout_id`,
`payout_status`, `currency`, `amount` (gross), `fee`, `net` as decimal strings, `source_order_id` (the
order's numeric id, the same one orders.json has), `processed_at`; paging through the `Link` header's
`page_info` like orders.json, `limit` ≤ 250, `since_id` to read only newer transactions.

`shape()` is what the sandbox serves: a charge per paid-out order (plants: ingest/platforms/settled.py) and,
on every 43rd, a refund of half its total two days after the payout, with fee 0.00 (Shopify keeps the
processing fee of a refunded charge); the orders API does not show it, so the hub finds the settlement
short by the refund. `lines()` turns one transaction into settlement lines (the connector,
ingest/settlement_pull.py, reads pages with the shared client).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from ingest.connectors.base import Connector
from ingest.connectors.paginators import LinkHeaderPaginator
from ingest.platforms.sample import SimOrder, numeric_id
from ingest.platforms.settled import OVERCHARGE, payouts
from ingest.settlements import settlement_line
from models.money import to_minor

PATH = "/admin/api/{api_version}/shopify_payments/balance/transactions.json"
REPORT = "shopify-balance-transactions"
TYPES = {"charge": "sale", "refund": "refund", "adjustment": "adjustment", "dispute": "adjustment"}
PAYOUT_DAYS = 3  # Shopify Payments pays out a few business days after the charge
PERCENT, FIXED = Decimal("2.9"), Decimal("0.30")  # the US online card rate
REFUND_EVERY, REFUND_DAYS = 43, 2


def _fee(total: Decimal) -> Decimal:
    return (total * PERCENT / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) + FIXED


def _txn(n: int, kind: str, sim: SimOrder, amount: Decimal, fee: Decimal, at: datetime) -> dict[str, Any]:
    return {"id": n, "type": kind, "test": False, "payout_id": 7000 + at.toordinal() % 1000,
            "payout_status": "paid", "currency": sim.currency, "amount": f"{amount:.2f}", "fee": f"{fee:.2f}",
            "net": f"{amount - fee:.2f}", "source_id": 9000 + n, "source_type": kind,
            "source_order_id": numeric_id(sim.platform_order_id), "source_order_transaction_id": 8000 + n,
            "processed_at": at.isoformat()}


def shape(sims: list[SimOrder], now: datetime) -> list[dict[str, Any]]:
    """The balance transactions of the delivered orders paid out by `now`, oldest first; a transaction's id
    derives from its order's, so it never changes between pulls (plants: ingest/platforms/settled.py, the
    overcharge on the fee)."""
    out = []
    for p in payouts(sims, now, PAYOUT_DAYS):
        total = Decimal(p.sim.total)
        fee = _fee(total) + (OVERCHARGE if p.k % 37 == 0 else 0)
        n = int(p.sim.platform_order_id) * 10
        out.append(_txn(n + p.again, "charge", p.sim, total, fee, p.at))
        refund_at = p.at + timedelta(days=REFUND_DAYS)
        if p.k % REFUND_EVERY == 0 and not p.again and refund_at <= now:
            half = (total / 2).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            out.append(_txn(n + 5, "refund", p.sim, -half, Decimal("0.00"), refund_at))
    return sorted(out, key=lambda t: (t["processed_at"], t["id"]))


def pages(connector: Connector, start: datetime, end: datetime) -> Iterator[list[dict[str, Any]]]:
    """Every page of balance transactions (the whole listing: Shopify keeps it short and has no date filter
    worth trusting for late adjustments)."""
    paginator, token = LinkHeaderPaginator(), None
    while True:
        params = {"limit": connector.page_size, **({"page_info": token} if token else {})}
        reply = connector.call("GET", PATH, params=params)
        txns = (reply.body or {}).get("transactions") or []
        yield txns
        token = paginator.advance(reply.body, reply.headers, len(txns))
        if token is None:
            return


def lines(txn: dict[str, Any], shop_id: str, batch_id: str | None = None) -> list[dict[str, Any]]:
    """A transaction's settlement lines: its gross amount by type and its fee (deducted); payouts and
    reserves name no order and are skipped."""
    kind = TYPES.get(str(txn.get("type")))
    order = txn.get("source_order_id")
    if kind is None or order in (None, ""):
        return []
    currency, at = str(txn["currency"]).upper(), datetime.fromisoformat(str(txn["processed_at"]))
    key, payout = str(txn["id"]), str(txn.get("payout_id") or "") or None
    out = [settlement_line(key, "shopify", shop_id, str(order), kind, to_minor(txn["amount"], currency), currency,
                           at, report=REPORT, payout_id=payout, batch_id=batch_id)]
    fee = to_minor(txn.get("fee") or "0", currency)
    if fee:
        out.append(settlement_line(key, "shopify", shop_id, str(order), "fee", -fee, currency, at, report=REPORT,
                                   payout_id=payout, batch_id=batch_id))
    return out
