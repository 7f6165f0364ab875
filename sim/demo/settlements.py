"""Settlements for the demo history: what each platform paid for its delivered orders, after its usual delay
and fees (config/reconciliation.toml, as shipped in data/config), with a few problems of each kind planted.

Every choice derives from a hash of the order id, so the same history gives the same settlements:
- a sale line, a fee line (the channel's percent plus fixed fee, rounded half up) and, for a refunded order,
  a refund line and the fee given back, dated the delivery plus the channel's delay less 0–3 days;
- a free-shipping voucher on a third of the Shopee and Lazada orders, as their reports book it: the
  carrier's charge to the seller (a fee line) and the platform's voucher paying it back (a shipping
  subsidy line), netting to zero;
- only lines dated before the end of the history (later ones are not paid yet);
- planted, about 1 in 500 orders each: never settled; settled twice (the sale and fee again in a later
  payout); a fee 1 % higher than the table; the refund event lost (goods back, no refund); a second
  shipment under another warehouse scan id; and 3 in 100 returned orders lose their return (refunded,
  goods never back).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from models import atomic
from models.db import connect
from models.reconciliation.config import FILE, ReconConfig, load_recon_config
from models.reconciliation.findings import sync_findings
from models.settings import Settings

CONFIG_DIR = Path(__file__).resolve().parents[2] / "data" / "config"
# hash bucket (0..9999) → planted problem
PLANTS = {"unsettled": (0, 20), "settled_twice": (20, 40), "overcharged": (40, 60), "refund_lost": (60, 80),
          "return_lost": (500, 800), "double_shipped": (100, 115)}
VOUCHER_CENTS = 500  # the carrier's charge on a free-shipping order, paid back by the platform's voucher


def _fees_sql(cfg: ReconConfig) -> str:
    rows = [f"('*', {cfg.defaults.settlement_days}, {cfg.defaults.percent}, null, 0)"]
    for channel, fee in cfg.channels.items():
        rows.append(f"('{channel}', {fee.settlement_days}, {fee.percent}, null, 0)")
        rows += [f"('{channel}', {fee.settlement_days}, {fee.percent}, '{cur}', {cents})"
                 for cur, cents in fee.fixed.items()]
    return ("select * from (values " + ", ".join(rows) +
            ") f(channel, days, pct, currency, fixed_cents)")


def _free_shipping() -> str:
    return f"channel in ('shopee', 'lazada') and {_bucket('order_id', 'voucher')} % 3 = 0"


def _bucket(col: str, salt: str) -> str:
    return f"(hash({col} || '{salt}') % 10000)"


def _in(name: str, salt: str = "plant") -> str:
    lo, hi = PLANTS[name]
    return f"{_bucket('order_id', salt)} between {lo} and {hi - 1}"


def adjust_events(con, events: pa.Table) -> pa.Table:
    """The event log with the planted event problems: refunds and returns lost, and second shipments (the
    warehouse reports both parcels under its own scan ids)."""
    con.register("ev_src", events)
    twice = f"event = 'shipped' and source = 'wms' and {_in('double_shipped')}"
    out = con.sql(f"""
        select *, case when {twice} then 'wms-parcel-1-' || order_id end as source_event_id
        from ev_src
        where not (event = 'refunded' and {_in('refund_lost')}
                   and order_id in (select order_id from ev_src where event = 'returned'))
          and not (event = 'returned' and {_in('return_lost')})
        union all
        select * replace ('EVX' || substr(event_id, 4) as event_id, occurred_at + interval 26 hour as occurred_at,
                          'second parcel' as detail), 'wms-parcel-2-' || order_id
        from ev_src where {twice}
        order by event_id
    """).to_arrow_table()
    con.unregister("ev_src")
    return out


def fee_config(config_dir: Path) -> ReconConfig:
    """The data dir's fee table; the shipped one is copied there first when it has none. Why: the console
    prices expected settlements with the data dir's table, and fees of 0 beside a demo charged at the
    shipped rates made every settled demo order a 'settled amount differs' finding."""
    own = config_dir / FILE
    if not own.exists():
        config_dir.mkdir(parents=True, exist_ok=True)
        atomic.write_text(own, (CONFIG_DIR / FILE).read_text(encoding="utf-8"))
    return load_recon_config(config_dir)


def settlements_table(con, orders: pa.Table, events: pa.Table, history_end: object,
                      cfg: ReconConfig | None = None) -> pa.Table:
    """One row per settlement line of the demo's delivered orders (see the module docstring)."""
    cfg = cfg or load_recon_config(CONFIG_DIR)
    con.register("so_orders", orders)
    con.register("so_events", events)
    out = con.sql(f"""
        with ev as (
            select order_id, min(occurred_at) filter (where event = 'delivered') as delivered_at,
                bool_or(event = 'refunded') as refunded
            from so_events group by order_id
        ), fees as ({_fees_sql(cfg)}),
        base as (
            select o.order_id, o.channel, o.shop_id, o.platform_order_id, o.currency, o.total_cents,
                ev.refunded, coalesce(c.days, d.days) as days, coalesce(c.pct, d.pct) as pct,
                coalesce(x.fixed_cents, 0) as fixed_cents,
                ev.delivered_at + to_days(coalesce(c.days, d.days))
                    - to_hours(({_bucket("o.order_id", "delay")} % 72)::bigint)
                    as settled_at
            from so_orders o
            join ev using (order_id)
            left join fees c on c.channel = o.channel and c.currency is null
            cross join (select * from fees where channel = '*') d
            left join fees x on x.channel = o.channel and x.currency = o.currency
            where ev.delivered_at is not null and o.paid_at is not null and not ({_in('unsettled')})
        ), priced as (
            select *, cast(round(total_cents::decimal(38, 0) * (pct + case when {_in('overcharged')} then 1 else 0
                end) / 100) as bigint) + fixed_cents as fee_cents
            from base
        ), lines as (
            select *, 'sale' as line_type, total_cents as amount_cents, 1 as n from priced
            union all select *, 'fee', -fee_cents, 2 from priced
            union all select *, 'refund', -total_cents, 3 from priced where refunded
            union all select *, 'fee', fee_cents, 4 from priced where refunded
            union all select *, 'fee', -{VOUCHER_CENTS}, 7 from priced where {_free_shipping()}
            union all select *, 'shipping_subsidy', {VOUCHER_CENTS}, 8 from priced where {_free_shipping()}
            union all select * replace (settled_at + interval 7 day as settled_at), 'sale', total_cents, 5
                from priced where {_in('settled_twice')}
            union all select * replace (settled_at + interval 7 day as settled_at), 'fee', -fee_cents, 6
                from priced where {_in('settled_twice')}
        )
        select 'ST-' || upper(substr(md5(order_id || '/' || n), 1, 14)) as settlement_id, channel, shop_id,
            platform_order_id, order_id, line_type, amount_cents, currency, settled_at,
            'PO-' || channel || '-' || strftime(settled_at, '%Y%m%d') as payout_id,
            'demo-' || channel || '-payouts' as report, n::varchar as source_line_id,
            settled_at + interval 1 hour as ingested_at, 'demo-settlements' as batch_id
        from lines
        where settled_at < $end
        order by settled_at, settlement_id
    """, params={"end": history_end}).to_arrow_table()
    con.unregister("so_orders")
    con.unregister("so_events")
    return out


def raise_findings(settings: Settings, end: date) -> int:
    """Raise the demo's findings as exceptions, as of the end of its history (the scheduler keeps them current)."""
    as_of = datetime.combine(end + timedelta(days=1), time(), ZoneInfo("Asia/Shanghai"))
    db = connect(settings)
    try:
        return sync_findings(db, settings.lake_dir, as_of).raised
    finally:
        db.close()
