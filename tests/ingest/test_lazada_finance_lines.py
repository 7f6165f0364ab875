"""Lazada transaction-detail rows with a voucher and a partial refund, read by the real row parser and
matched by the reconciliation views against the shipped fee table (Lazada 6.42 %). Worked out by hand:

    Item Price Credit 200.00, Commission −8.84 (4.42 %), Payment Fee −4.00 (2 %),
    Shipping Fee Paid by Seller −5.00, Shipping Fee Voucher (by Lazada) +5.00,
    Reversal Item Price −50.00, Reversal Commission +2.21, Reversal Payment Fee +1.00
    settled  = 200.00 − 8.84 − 4.00 − 5.00 + 5.00 − 50.00 + 2.21 + 1.00 = 140.37
    expected = (200.00 − 50.00) − 6.42 % × 150.00 (9.63) = 140.37: no finding (the unit refunded came back).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

from ingest.platforms.lazada import finance
from models import lake
from models.db import connect
from models.ids import event_id
from sim.demo.settlements import CONFIG_DIR

ROWS = [("Item Price Credit", "200.00", "10 Mar 2026"), ("Commission", "-8.84", "10 Mar 2026"),
        ("Payment Fee", "-4.00", "10 Mar 2026"), ("Shipping Fee Paid by Seller", "-5.00", "10 Mar 2026"),
        ("Shipping Fee Voucher (by Lazada)", "5.00", "10 Mar 2026"),
        ("Reversal Item Price", "-50.00", "13 Mar 2026"), ("Reversal Commission", "2.21", "13 Mar 2026"),
        ("Reversal Payment Fee", "1.00", "13 Mar 2026")]


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 4, tzinfo=UTC)


def test_voucher_and_partial_refund_lines_match_the_expected_net(settings):
    settings.config_dir.mkdir(parents=True)
    shutil.copy(CONFIG_DIR / "reconciliation.toml", settings.config_dir)
    oid = "OH-LZ777"
    lake.write(settings.lake_dir, "orders", [{
        "order_id": oid, "channel": "lazada", "shop_id": "MY1", "platform_order_id": "300000777",
        "status": "delivered", "raw_status": "delivered", "currency": "MYR", "total_cents": 20000,
        "placed_at": _at(1), "paid_at": _at(1), "ship_by_at": _at(3), "updated_at": _at(3), "ingested_at": _at(3)}])
    steps = [("placed", _at(1), None), ("paid", _at(1), None), ("shipped", _at(2), None),
             ("delivered", _at(3), None), ("returned", _at(11), None),  # one of the units came back
             ("refunded", _at(12), json.dumps({"amount_cents": 5000}))]
    lake.write(settings.lake_dir, "order_events", [
        {"event_id": event_id(oid, ev, "platform", at), "order_id": oid, "event": ev, "source": "platform",
         "occurred_at": at, "detail": detail, "ingested_at": at} for ev, at, detail in steps])
    rows = [{"transaction_number": f"T{n}", "order_no": "300000777", "transaction_date": day, "fee_name": name,
             "amount": amount, "statement": day} for n, (name, amount, day) in enumerate(ROWS)]
    lines = [line for row in rows for line in finance.lines(row, "MY1")]
    assert sorted((li["line_type"], li["amount_cents"]) for li in lines) == [
        ("commission", -884), ("commission", 221), ("fee", -500), ("fee", -400), ("fee", 100),
        ("refund", -5000), ("sale", 20000), ("shipping_subsidy", 500)]
    for li in lines:
        li["order_id"] = oid  # matched to the order as the settlement intake does
    lake.write(settings.lake_dir, "settlements", lines)
    db = connect(settings)
    got = db.sql("select paid_cents, refund_cents, fee_cents, expected_net_cents, settled_cents, refund_lines_cents "
                 "from recon_orders").fetchall()
    assert got == [(20000, 5000, 963, 14037, 14037, -5000)]
    assert db.sql("select count(*) from recon_findings(timestamp '2026-04-30')").fetchone()[0] == 0
