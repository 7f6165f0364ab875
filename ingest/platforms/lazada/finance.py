"""Lazada transaction details: `GET /finance/transaction/details/get`, one row per amount booked to the seller.

Checked against open.lazada.com ("QueryTransactionDetails") and client code calling it: `start_time` and
`end_time` as dates (YYYY-MM-DD), optional `trans_type`, `offset`/`limit` (limit ≤ 500) with pages read
until one comes back short; `data` is the list of rows, each with `transaction_number`, `order_no`,
`transaction_date` ("01 Mar 2026"), `transaction_type`, `fee_name`, `amount` (a signed decimal string, maybe
with thousands commas), `paid_status`, `statement`. No currency on the row: the shop's currency. Signed and
enveloped like the order calls (connector.py).

`shape()` is what the sandbox serves; `FEES` maps a row's `fee_name` to a line type.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ingest.connectors.base import Connector
from ingest.connectors.paginators import OffsetPaginator
from ingest.platforms.sample import SimOrder
from ingest.platforms.settled import OVERCHARGE, Payout, parts, payouts, percent
from models.channels import CHANNELS
from models.money import to_minor

PATH = "/finance/transaction/details/get"
REPORT = "lazada-transaction-details"
MAX_LIMIT = 500
PAYOUT_DAYS = 7  # Lazada releases a week after delivery
COMMISSION, PAYMENT_FEE = "4.42", "2"  # percent of the item price (data/config/reconciliation.toml: 6.42)
FEES = {"Item Price Credit": "sale", "Reversal Item Price": "refund", "Commission": "commission",
        "Payment Fee": "fee", "Shipping Fee Voucher (by Lazada)": "shipping_subsidy"}
TYPES = {"sale": "Orders-Sales", "commission": "Orders-Marketing Fees", "fee": "Orders-Lazada Fees"}
DATE = "%d %b %Y"


def _row(n: int, p: Payout, fee_name: str, amount: str) -> dict[str, Any]:
    return {"transaction_number": f"T{n}", "order_no": p.sim.platform_order_id, "orderItem_no": "",
            "transaction_date": p.at.strftime(DATE), "transaction_type": TYPES[FEES[fee_name]], "fee_name": fee_name,
            "amount": amount, "paid_status": "paid", "statement": p.at.strftime("%d %b %Y - %d %b %Y"),
            "details": "", "reference": "", "comment": ""}


def shape(sims: list[SimOrder], now: datetime) -> list[dict[str, Any]]:
    """Three rows for each payout, oldest first: the item price, the commission and the payment fee."""
    out = []
    for p in payouts(sims, now, PAYOUT_DAYS):
        total = Decimal(p.sim.total)
        commission = percent(total, COMMISSION) + (OVERCHARGE if p.k % 37 == 0 else 0)
        n = int(p.sim.platform_order_id) * 10 + p.again
        out += [_row(n * 10 + 1, p, "Item Price Credit", f"{total:,.2f}"),
                _row(n * 10 + 2, p, "Commission", f"-{commission:,.2f}"),
                _row(n * 10 + 3, p, "Payment Fee", f"-{percent(total, PAYMENT_FEE):,.2f}")]
    return out


def pages(connector: Connector, start: datetime, end: datetime) -> Iterator[list[dict[str, Any]]]:
    """Each page of the rows booked from `start`'s day to `end`'s."""
    limit = min(connector.page_size, MAX_LIMIT)
    paginator, offset = OffsetPaginator(limit), 0
    while True:
        params = {"start_time": f"{start:%Y-%m-%d}", "end_time": f"{end:%Y-%m-%d}", "offset": offset, "limit": limit}
        reply = connector.send(lambda q=params: connector.call("GET", PATH, q))
        rows = reply.body.get("data") or []
        yield rows
        offset = paginator.advance(reply.body, reply.headers, len(rows))
        if offset is None:
            return


def lines(row: dict[str, Any], shop_id: str, batch_id: str | None = None) -> list[dict[str, Any]]:
    """A row's line, typed by its fee name (an unknown fee is an adjustment); rows naming no order are skipped."""
    order = str(row.get("order_no") or "")
    if not order:
        return []
    currency = CHANNELS["lazada"].currency
    at = datetime.strptime(str(row["transaction_date"]), DATE).replace(tzinfo=UTC)
    kind = FEES.get(str(row.get("fee_name")), "adjustment")
    return parts(str(row["transaction_number"]), "lazada", shop_id, order,
                 [(kind, kind, to_minor(str(row["amount"]), currency))], currency, at, report=REPORT,
                 payout_id=str(row.get("statement") or "") or None, batch_id=batch_id)
