"""The canonical order row the rules read: orders + order_facts + per-order line, return and time extras.

`load_batch(db, rules, order_ids, now)` materialises it for one batch as the temp table `rule_batch`
(one row per order), so every rule kind is one SQL query over it. `has_sku('X')` reads the row's `skus`
list; `expand()` rewrites it to `list_contains(skus, 'X')` before binding, because DuckDB 2.0 binds a
macro body when the macro is created, so a macro cannot read a column of the row it is used on.
`empty_batch` makes the same table with no rows: validation binds expressions there.
"""

from __future__ import annotations

import re
from datetime import datetime

import pyarrow as pa

from models.db import LakeConnection
from models.rules.config import RuleSet

CANONICAL_SQL = """
create or replace temp table rule_batch as
with batch as (
    select order_id from orders where order_id in (select unnest($ids::varchar[])) or $all_orders
), lines as (
    select l.order_id, count(*) as line_count, sum(l.qty) as units, bool_or(coalesce(l.is_gift, false)) as gift,
           list(distinct l.sku order by l.sku) as skus, sum(l.qty * coalesce(w.kg, $default_kg)) as weight_kg
    from order_lines l left join rule_category_kg w using (category)
    where l.order_id in (select order_id from batch)
    group by l.order_id
), buyer_returns as (
    select o.buyer_id, count(distinct r.return_id) as n
    from returns r join orders o using (order_id)
    where r.requested_at > $now - interval 30 day and r.requested_at <= $now and o.buyer_id is not null
    group by o.buyer_id
), last_event as (
    select order_id, max(occurred_at) as at from order_events
    where order_id in (select order_id from batch) group by order_id
)
select
    o.* replace (
        coalesce(lc.stage, o.status) as status,  -- the lifecycle stage: warehouse and carrier steps count
        coalesce(o.is_urgent, false) as is_urgent, coalesce(o.is_vip, false) as is_vip,
        coalesce(o.is_presale, false) as is_presale, coalesce(o.is_cold_chain, false) as is_cold_chain,
        coalesce(o.has_gift, false) or coalesce(l.gift, false) as has_gift,
        coalesce(o.buyer_note, '') as buyer_note, coalesce(o.receiver_address, '') as receiver_address
    ),
    f.gmv_cents, f.reviewed_at, f.allocated_at, f.picked_at, f.packed_at, f.shipped_at, f.delivered_at,
    f.completed_at, f.cancelled_at, f.has_action,
    f.gmv_cents / 100.0 as amount,
    coalesce(l.line_count, 0) as line_count, coalesce(l.units, 0) as units,
    coalesce(l.skus, []::varchar[]) as skus, coalesce(l.weight_kg, 0.0) as weight_kg,
    coalesce(l.gift, false) as has_gift_line,
    coalesce(g.region, 'other') as region,
    coalesce(br.n, 0) as buyer_returns_30d,
    -- returns, refunds and complaints of the buyer in the 90 days before now (buyer_history, reconciliation.sql)
    coalesce(bh.returns, 0) as buyer_returns_90d, coalesce(bh.refunds, 0) as buyer_refunds_90d,
    coalesce(bh.complaints, 0) as buyer_complaints_90d,
    le.at as last_event_at,
    date_diff('second', coalesce(le.at, o.updated_at), $now::timestamptz) / 3600.0 as idle_hours,
    $now::timestamptz as now_at,
    timezone($tz, $now::timestamptz) as now_local,
    timezone($tz, o.paid_at) as paid_local
from orders o
join batch using (order_id)
left join order_facts f using (order_id)
left join lines l using (order_id)
left join rule_regions g on g.province = o.receiver_province
left join buyer_returns br on br.buyer_id = o.buyer_id
left join buyer_history($now::timestamptz, 90) bh on bh.buyer_id = o.buyer_id
left join last_event le using (order_id)
left join order_lifecycle lc using (order_id)
"""

# Available-to-sell (models/sql/inventory.sql), plus what the batch's own orders hold: they compete again
# for it in the order they were paid (models/rules/stock.py), so a re-evaluated order finds its own units.
STOCK_SQL = """
create or replace temp table rule_stock as
select sku, warehouse, cast(sum(available) as bigint) as available from (
    select sku, warehouse, available from inventory_available
    union all
    select sku, warehouse, qty from reservation_state
    where state <> 'released' and order_id in (select order_id from rule_batch)
) group by all
"""

# Units per (order, SKU): a listing mapped in sku_map counts as its SKUs (bundles too); an unmapped one as
# itself, as before inventory tracking (the reservation pass, not routing, raises it as unmapped_listing).
NEED_SQL = """
create or replace temp table rule_need as
select l.order_id, coalesce(m.sku, l.sku) as sku, cast(sum(l.qty * coalesce(m.qty, 1)) as bigint) as qty
from order_lines l join rule_batch b using (order_id)
left join listing_skus m on m.channel = b.channel and m.listing_id = l.sku
group by all
"""


HAS_SKU = re.compile(r"\bhas_sku\s*\(")


def expand(expr: str) -> str:
    """The rule expression as DuckDB runs it: `has_sku('X')` → `list_contains(skus, 'X')`."""
    return HAS_SKU.sub("list_contains(skus, ", expr)


def _register(db: LakeConnection, name: str, rows: list[dict], schema: pa.Schema) -> None:
    db.con.register(f"{name}_src", pa.Table.from_pylist(rows, schema=schema))
    db.con.execute(f"create or replace temp table {name} as select * from {name}_src")
    db.con.unregister(f"{name}_src")


def install_config(db: LakeConnection, rules: RuleSet) -> None:
    """Regions, rates and weights of the rule set as temp tables."""
    s, f, i = pa.string(), pa.float64(), pa.int64()
    _register(db, "rule_regions", [{"province": p, "region": r} for r, ps in rules.regions.items() for p in ps],
              pa.schema([("province", s), ("region", s)]))
    _register(db, "rule_rates", [{k: r[k] for k in ("carrier", "region", "first_kg_cents", "extra_kg_cents")}
                                 for r in rules.rates],
              pa.schema([("carrier", s), ("region", s), ("first_kg_cents", i), ("extra_kg_cents", i)]))
    _register(db, "rule_category_kg", [{"category": c, "kg": float(k)} for c, k in rules.category_kg.items()],
              pa.schema([("category", s), ("kg", f)]))


def load_batch(db: LakeConnection, rules: RuleSet, order_ids: list[str] | None, now: datetime) -> int:
    """Build `rule_batch` for these orders (None: every order), `rule_stock` and `rule_need`; returns the row count."""
    install_config(db, rules)
    db.con.execute(CANONICAL_SQL, {"ids": list(order_ids or []), "all_orders": order_ids is None,
                                   "default_kg": rules.default_kg, "now": now, "tz": db.settings.timezone})
    db.con.execute(STOCK_SQL)
    db.con.execute(NEED_SQL)
    return db.con.execute("select count(*) from rule_batch").fetchone()[0]


def empty_batch(db: LakeConnection, rules: RuleSet, now: datetime) -> None:
    """`rule_batch` with the canonical columns and no rows: what validation binds expressions against."""
    load_batch(db, rules, [], now)


def columns(db: LakeConnection) -> dict[str, str]:
    """Column → DuckDB type of the canonical row (for the editor's help and the validation messages)."""
    return dict(db.con.execute("select column_name, data_type from duckdb_columns() "
                               "where table_name = 'rule_batch' order by column_index").fetchall())
