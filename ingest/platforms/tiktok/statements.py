"""TikTok Shop Finance API 202309: statements, then each statement's transactions.

Checked against partner.tiktokshop.com docv2 ("Get Statements", "Get Transactions by Statement") and client
code calling them: `GET /finance/202309/statements` with `statement_time_ge`/`statement_time_lt` (epoch s),
`sort_field=statement_time`, `page_size` ≤ 100, `page_token`, answering `data.statements` [{id,
statement_time, currency, revenue_amount, fee_amount, settlement_amount, payment_status, payment_id}] and
`data.next_page_token`; `GET /finance/202309/statements/{statement_id}/statement_transactions` with
`sort_field=order_create_time`, the same paging, answering `data.transactions` [{id, type (ORDER,
ADJUSTMENT), order_id, revenue_amount, settlement_amount, fee_tax_amount, shipping_cost_amount,
fee_tax_breakdown.fee.{platform_commission_amount, transaction_fee_amount}}] and `data.currency`. Amounts
are signed decimal strings (fees negative). Signed and enveloped like the order calls (connector.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from ingest.connectors.base import Connector, epoch
from ingest.connectors.paginators import CursorPaginator
from ingest.platforms.sample import SimOrder
from ingest.platforms.settled import OVERCHARGE, Payout, parts, payouts, percent
from models.money import to_minor

STATEMENTS = "/finance/202309/statements"
TRANSACTIONS = "/finance/202309/statements/{statement_id}/statement_transactions"
REPORT = "tiktok-statement-transactions"
STATEMENT_DAYS = 5  # a daily statement, settled a few days after delivery
COMMISSION, TRANSACTION = "5.48", "1"  # percent of revenue (data/config/reconciliation.toml: 6.48)


def _txn(p: Payout) -> dict[str, Any]:
    revenue = Decimal(p.sim.total)
    commission = percent(revenue, COMMISSION) + (OVERCHARGE if p.k % 37 == 0 else 0)
    fee = percent(revenue, TRANSACTION)
    return {"id": f"{p.sim.platform_order_id}{p.again}", "type": "ORDER", "order_id": p.sim.platform_order_id,
            "order_create_time": epoch(p.sim.created), "revenue_amount": f"{revenue:.2f}",
            "fee_tax_amount": f"{-(commission + fee):.2f}", "shipping_cost_amount": "0.00",
            "adjustment_amount": "0.00", "settlement_amount": f"{revenue - commission - fee:.2f}",
            "fee_tax_breakdown": {"fee": {"platform_commission_amount": f"{-commission:.2f}",
                                          "transaction_fee_amount": f"{-fee:.2f}"}}}


def shape(sims: list[SimOrder], now: datetime) -> dict[str, dict[str, Any]]:
    """The statements by `now`, one a day (id ST<yyyymmdd>, at midnight UTC), each with its transactions."""
    out: dict[str, dict[str, Any]] = {}
    for p in payouts(sims, now, STATEMENT_DAYS):
        day = datetime.combine(p.at.date(), time(), UTC)
        st = out.setdefault(f"ST{day:%Y%m%d}", {"id": f"ST{day:%Y%m%d}", "statement_time": epoch(day),
                                                   "currency": p.sim.currency, "payment_status": "PAID",
                                                   "transactions": []})
        st["transactions"].append(_txn(p))
    return out


def _pages(connector: Connector, path: str, params: dict[str, Any], key: str
           ) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Every page of one listing through `next_page_token`: (records, data)."""
    paginator, token = CursorPaginator(cursor=lambda b: b["data"].get("next_page_token") or None), None
    while True:
        query = {**params, "page_size": connector.page_size, **({"page_token": token} if token else {})}
        reply = connector.send(lambda q=query: connector.call("GET", path, q, ""))
        records = reply.body["data"].get(key) or []
        yield records, reply.body["data"]
        token = paginator.advance(reply.body, reply.headers, len(records))
        if token is None:
            return


def pages(connector: Connector, start: datetime, end: datetime) -> Iterator[list[dict[str, Any]]]:
    """Each page of each statement's transactions, each transaction told its statement and currency."""
    window = {"statement_time_ge": epoch(start), "statement_time_lt": epoch(end), "sort_field": "statement_time",
              "sort_order": "ASC"}
    for statements, _ in _pages(connector, STATEMENTS, window, "statements"):
        for st in statements:
            path = TRANSACTIONS.format(statement_id=st["id"])
            for txns, data in _pages(connector, path, {"sort_field": "order_create_time"}, "transactions"):
                yield [{**t, "statement_id": st["id"], "statement_time": st["statement_time"],
                        "currency": data.get("currency") or st["currency"]} for t in txns]


def lines(txn: dict[str, Any], shop_id: str, batch_id: str | None = None) -> list[dict[str, Any]]:
    """A transaction's lines: revenue (a sale, or a refund when negative), commission, fees, shipping and
    adjustments as signed; transactions naming no order are skipped."""
    order = str(txn.get("order_id") or "")
    if not order:
        return []
    currency, at = str(txn["currency"]), datetime.fromtimestamp(int(txn["statement_time"]), UTC)
    fee = (txn.get("fee_tax_breakdown") or {}).get("fee") or {}
    revenue = to_minor(str(txn.get("revenue_amount") or 0), currency)
    commission = to_minor(str(fee.get("platform_commission_amount") or 0), currency)
    fees = to_minor(str(txn.get("fee_tax_amount") or 0), currency) - commission
    amounts = [("revenue", "sale" if revenue >= 0 else "refund", revenue), ("commission", "commission", commission),
               ("fees", "fee", fees),
               ("shipping", "fee", to_minor(str(txn.get("shipping_cost_amount") or 0), currency)),
               ("adjustment", "adjustment", to_minor(str(txn.get("adjustment_amount") or 0), currency))]
    return parts(str(txn["id"]), "tiktok", shop_id, order, amounts, currency, at, report=REPORT,
                 payout_id=str(txn.get("statement_id") or "") or None, batch_id=batch_id)
