"""Lazada transaction details: `GET /finance/transaction/details/get`, one row per amount booked to the seller.

Checked against open.lazada.com ("QueryTransactionDetails") and client code calling it: `start_time` and
`end_time` as dates (YYYY-MM-DD), optional `trans_type`, `offset`/`limit` (limit ≤ 500) with pages read
until one comes back short; `data` is the list of rows, each with `transaction_number`, `order_no`,
`transaction_date` ("01 Mar 2026"), `transaction_type`, `fee_name`, `amount` (a signed decimal string, maybe
with thousands commas), `paid_status`, `statement`. No currency on the row: the shop's currency. Signed and
enveloped like the order calls (connector.py).

`shape()` is what the sandbox serves; `FEES` maps a row's `fee_name` to (line type, `transaction_type`).
Beside the sale and its fees the sandbox books, as Lazada's report does: a free-shipping voucher on every
3rd order (k, ingest/platforms/settled.py), the seller charged the carrier's fee ("Shipping Fee Paid by
Seller") and Lazada's voucher paying it back ("Shipping Fee Voucher (by Lazada)"), netting to zero; and on
every 43rd a refund three days after the payout, the item price reversed with the commission and payment
fee given back ("Reversal Item Price", "Reversal Commission", "Reversal Payment Fee"), which the orders API
does not show: the hub finds it as a settlement that differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
FEES = {"Item Price Credit": ("sale", "Orders-Sales"), "Commission": ("commission", "Orders-Marketing Fees"),
        "Payment Fee": ("fee", "Orders-Lazada Fees"), "Shipping Fee Paid by Seller": ("fee", "Orders-Logistics"),
        "Shipping Fee Voucher (by Lazada)": ("shipping_subsidy", "Orders-Logistics"),
        "Reversal Item Price": ("refund", "Refunds-Claims"), "Reversal Commission": ("commission", "Refunds-Claims"),
        "Reversal Payment Fee": ("fee", "Refunds-Claims")}
DATE = "%d %b %Y"
SHIPPING = Decimal("5.00")  # the carrier's fee on a free-shipping order, paid back by Lazada's voucher
VOUCHER_EVERY, REFUND_EVERY, REFUND_DAYS = 3, 43, 3


def _row(n: int, p: Payout, fee_name: str, amount: Decimal, at: datetime | None = None) -> dict[str, Any]:
    at = at or p.at
    return {"transaction_number": f"T{n}", "order_no": p.sim.platform_order_id, "orderItem_no": "",
            "transaction_date": at.strftime(DATE), "transaction_type": FEES[fee_name][1], "fee_name": fee_name,
            "amount": f"{amount:,.2f}", "paid_status": "paid", "statement": at.strftime("%d %b %Y - %d %b %Y"),
            "details": "", "reference": "", "comment": ""}


def _payout_rows(p: Payout, now: datetime) -> list[dict[str, Any]]:
    total = Decimal(p.sim.total)
    commission = percent(total, COMMISSION) + (OVERCHARGE if p.k % 37 == 0 else 0)
    fee = percent(total, PAYMENT_FEE)
    n = (int(p.sim.platform_order_id) * 10 + p.again) * 10
    rows = [_row(n + 1, p, "Item Price Credit", total), _row(n + 2, p, "Commission", -commission),
            _row(n + 3, p, "Payment Fee", -fee)]
    if p.k % VOUCHER_EVERY == 0:
        rows += [_row(n + 4, p, "Shipping Fee Paid by Seller", -SHIPPING),
                 _row(n + 5, p, "Shipping Fee Voucher (by Lazada)", SHIPPING)]
    refund_at = p.at + timedelta(days=REFUND_DAYS)
    if p.k % REFUND_EVERY == 0 and not p.again and refund_at <= now:
        rows += [_row(n + 6, p, "Reversal Item Price", -total, refund_at),
                 _row(n + 7, p, "Reversal Commission", commission, refund_at),
                 _row(n + 8, p, "Reversal Payment Fee", fee, refund_at)]
    return rows


def shape(sims: list[SimOrder], now: datetime) -> list[dict[str, Any]]:
    """The rows booked by `now` (module docstring), oldest first."""
    rows = [row for p in payouts(sims, now, PAYOUT_DAYS) for row in _payout_rows(p, now)]
    return sorted(rows, key=lambda r: datetime.strptime(r["transaction_date"], DATE))


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
    kind = FEES.get(str(row.get("fee_name")), ("adjustment", ""))[0]
    return parts(str(row["transaction_number"]), "lazada", shop_id, order,
                 [(kind, kind, to_minor(str(row["amount"]), currency))], currency, at, report=REPORT,
                 payout_id=str(row.get("statement") or "") or None, batch_id=batch_id)
