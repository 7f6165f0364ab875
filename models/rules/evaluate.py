"""One SQL query per rule kind over `rule_batch` (see canonical.py): no Python loop over orders.

Each query is a `union all` of one select per rule, so DuckDB evaluates every rule over the whole batch
at once; ordered kinds then keep the first match per order with a window function.
"""

from __future__ import annotations

import re

import pandas as pd

from models.db import LakeConnection
from models.rules import stock
from models.rules.canonical import columns, expand
from models.rules.config import Rule


def _lit(value: object) -> str:
    """A SQL literal for a config value (text is quoted, None is null)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "'" + str(value).replace("'", "''") + "'"


def _hits(rules: list[Rule], extra: dict[str, callable], scope: str) -> str:
    """`select order_id, pos, rule_id, <extra columns> from rule_batch where <scope> and (<when>)` per rule."""
    parts = []
    for pos, rule in enumerate(rules, start=1):
        cols = ", ".join(f"{fn(rule)} as {name}" for name, fn in extra.items())
        parts.append(f"select order_id, {pos} as pos, {_lit(rule.id)} as rule_id, {cols} from rule_batch "
                     f"where ({scope}) and coalesce(({expand(rule.when)}), false)")
    return "\nunion all\n".join(parts)


ROUTABLE = "status in ('pending_payment', 'to_review', 'to_ship') and allocated_at is null"
OPEN = "status in ('pending_payment', 'to_review', 'to_ship', 'allocated', 'picked', 'packed')"

CARRIER_SQL = """
with hits as ({hits}),
costs as (
    select b.order_id, r.carrier,
        r.first_kg_cents + greatest(ceil(b.weight_kg) - 1, 0) * r.extra_kg_cents as cost_cents
    from rule_batch b join rule_rates r on r.region = b.region
),
cheapest as (
    select order_id, first(carrier order by cost_cents, carrier) as carrier, min(cost_cents) as cost_cents
    from costs group by order_id
)
select h.order_id, h.pos, h.rule_id,
    case when h.carrier = 'cheapest' then c.carrier else h.carrier end as carrier,
    case when h.carrier = 'cheapest' then c.cost_cents end as cost_cents,
    h.pos = min(h.pos) over (partition by h.order_id) as chosen
from hits h left join cheapest c using (order_id)
order by h.order_id, h.pos
"""


def routing(db: LakeConnection, rules: list[Rule], scoped: bool) -> pd.DataFrame:
    """Every matching routing rule per order, its stock check, and which one was chosen (models/rules/stock.py)."""
    if not rules:
        return pd.DataFrame(columns=stock.COLUMNS)
    hits = _hits(rules, {"warehouse": lambda r: _lit(r.warehouse), "hold": lambda r: _lit(r.hold),
                         "split": lambda r: _lit(r.split)}, ROUTABLE if scoped else "true")
    return stock.route_in_order(db, db.con.execute(hits).df())


def carrier(db: LakeConnection, rules: list[Rule], scoped: bool) -> pd.DataFrame:
    """Every matching carrier rule per order; the first is chosen ('cheapest' resolved from the rate table)."""
    if not rules:
        return pd.DataFrame(columns=["order_id", "pos", "rule_id", "carrier", "cost_cents", "chosen"])
    hits = _hits(rules, {"carrier": lambda r: _lit(r.carrier)}, ROUTABLE if scoped else "true")
    return db.con.execute(CARRIER_SQL.format(hits=hits)).df()


QUOTED = re.compile(r"'(?:[^']|'')*'")


def evidence_sql(when: str, canonical: dict[str, str]) -> str:
    """SQL text of "why it fired": `column=value` for each canonical column the expression reads, in the
    order they appear (`status=to_ship, idle_hours=3.25`); string literals are not column names."""
    bare = QUOTED.sub("''", when)
    named = sorted((m.start(), name) for name in canonical
                   if (m := re.search(rf"\b{re.escape(name)}\b", bare)))
    parts = [f"'{name}=' || {_shown(name, canonical[name])}" for _, name in named]
    return f"concat_ws(', ', {', '.join(parts)})" if parts else "null"


def _shown(name: str, sql_type: str) -> str:
    """A value as evidence text: timestamps to the minute, fractions to two places, null as 'none'."""
    if sql_type.startswith("TIMESTAMP"):
        value = f"strftime({name}, '%Y-%m-%d %H:%M')"
    elif sql_type in ("DOUBLE", "FLOAT") or sql_type.startswith("DECIMAL"):
        value = f"cast(round({name}, 2) as varchar)"
    else:
        value = f"cast({name} as varchar)"
    return f"coalesce({value}, 'none')"


def firing(db: LakeConnection, rules: list[Rule], scoped: bool) -> pd.DataFrame:
    """Interception / SLA: every rule that matches fires (flag and/or exception), with `why`: the values of the
    columns its expression read for that order (models/rules/evaluate.evidence_sql)."""
    if not rules:
        return pd.DataFrame(columns=["order_id", "pos", "rule_id", "flag", "exception", "why"])
    canonical = columns(db)
    hits = _hits(rules, {"flag": lambda r: _lit(r.flag),
                         "exception": lambda r: _lit(r.exception or ("sla_breach" if r.kind == "sla" else None)),
                         "why": lambda r: evidence_sql(expand(r.when), canonical)},
                 OPEN if scoped else "true")
    return db.con.execute(f"{hits}\norder by order_id, pos").df()


def set_flags(db: LakeConnection, fired: pd.DataFrame) -> None:
    """Apply interception flags to `rule_batch` so routing and carrier rules see them (e.g. urgent → SF)."""
    for flag, group in fired.dropna(subset=["flag"]).groupby("flag"):
        db.con.execute(f"update rule_batch set {flag} = true where order_id in (select unnest($ids::varchar[]))",
                       {"ids": group["order_id"].tolist()})
