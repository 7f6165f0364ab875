"""Shopee escrow (v2.payment): `get_escrow_list` for the orders released, `get_escrow_detail` for each one's income.

Checked against open.shopee.com (v2.payment.get_escrow_list, get_escrow_detail) and SDKs typing them:
the list takes `release_time_from`/`release_time_to` (epoch s, at most 15 days apart), `page_size` ≤ 100 and
`page_no` from 1, and answers `response.escrow_list` [{order_sn, payout_amount, escrow_release_time}] with
`response.more`; the detail takes one `order_sn` and answers `response.order_income` with numbers in the
shop's currency: `buyer_total_amount`, `commission_fee`, `service_fee`, `seller_transaction_fee`,
`actual_shipping_fee`, `shopee_shipping_rebate`, `seller_return_refund` (negative), `escrow_amount` (what
is paid: the sale less the fees, plus the rebate). Signed like every shop-level call (connector.py).

`shape()` is what the sandbox serves; one escrow per order (the second payout plant does not apply).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ingest.connectors.base import Connector, epoch
from ingest.connectors.stream import Stream
from ingest.platforms.sample import SimOrder
from ingest.platforms.settled import OVERCHARGE, parts, payouts, percent
from models.channels import CHANNELS
from models.money import to_minor

LIST = Stream("shopee.get_escrow_list", "/api/v2/payment/get_escrow_list", records_path="response.escrow_list")
DETAIL = Stream("shopee.get_escrow_detail", "/api/v2/payment/get_escrow_detail", records_path="response")
REPORT = "shopee-escrow"
RELEASE_DAYS = 3  # escrow is released a few days after the buyer confirms receipt
COMMISSION, TRANSACTION = "4", "2.04"  # percent of the buyer's total (data/config/reconciliation.toml: 6.04)
SHIPPING = Decimal("2.50")  # the carrier's charge, rebated in full under free shipping
PARTS = (("buyer_total_amount", "sale", 1), ("seller_return_refund", "refund", 1),
         ("commission_fee", "commission", -1), ("service_fee", "fee", -1), ("seller_transaction_fee", "fee", -1),
         ("actual_shipping_fee", "fee", -1), ("shopee_shipping_rebate", "shipping_subsidy", 1))


def income(sim: SimOrder, k: int) -> dict[str, Any]:
    """`order_income` of one order (numbers, as Shopee sends them)."""
    total = Decimal(sim.total)
    commission = percent(total, COMMISSION) + (OVERCHARGE if k % 37 == 0 else 0)
    txn = percent(total, TRANSACTION)
    return {"escrow_amount": float(total - commission - txn), "buyer_total_amount": float(total),
            "commission_fee": float(commission), "service_fee": 0.0, "seller_transaction_fee": float(txn),
            "actual_shipping_fee": float(SHIPPING), "shopee_shipping_rebate": float(SHIPPING),
            "seller_return_refund": 0.0, "voucher_from_seller": 0.0, "voucher_from_shopee": 0.0}


def shape(sims: list[SimOrder], now: datetime) -> list[dict[str, Any]]:
    """The escrows released by `now`, oldest first, each with its `order_income` and release time."""
    return [{"order_sn": p.sim.platform_order_id, "escrow_release_time": epoch(p.at),
             "order_income": income(p.sim, p.k)} for p in payouts(sims, now, RELEASE_DAYS, twice=False)]


def pages(connector: Connector, start: datetime, end: datetime) -> Iterator[list[dict[str, Any]]]:
    """Each page of released escrows, in windows of at most 15 days, with every order's detail."""
    for lo, hi in connector.windows(start, end):
        page_no = 1
        while True:
            window = {"release_time_from": epoch(lo), "release_time_to": epoch(hi),
                      "page_size": connector.page_size, "page_no": page_no}
            reply = connector.send(lambda w=window: connector.get(LIST, w))
            listed = LIST.records(reply.body, connector.cfg.key)
            yield [{**_detail(connector, str(e["order_sn"])), "escrow_release_time": e["escrow_release_time"]}
                   for e in listed]
            if not reply.body["response"].get("more"):
                break
            page_no += 1


def _detail(connector: Connector, order_sn: str) -> dict[str, Any]:
    return connector.send(lambda: connector.get(DETAIL, {"order_sn": order_sn})).body["response"]


def lines(escrow: dict[str, Any], shop_id: str, batch_id: str | None = None) -> list[dict[str, Any]]:
    """An escrow's lines: the buyer's total, refunds, Shopee's fees (deducted) and its shipping rebate."""
    order, income_ = str(escrow["order_sn"]), escrow.get("order_income") or {}
    currency = CHANNELS["shopee"].currency
    at = datetime.fromtimestamp(int(escrow["escrow_release_time"]), UTC)
    amounts = [(name, kind, sign * abs(to_minor(str(income_.get(name) or 0), currency)))
               for name, kind, sign in PARTS]
    return parts(order, "shopee", shop_id, order, amounts, currency, at, report=REPORT, batch_id=batch_id)
