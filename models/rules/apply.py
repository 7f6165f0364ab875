"""Evaluate the rule set over a batch of orders and write what it decided.

    route_batch(settings.lake_dir, order_ids)      # ingest calls this after each batch

`apply_rules` only evaluates (replay uses it twice, with the saved and the edited rule set);
`route_batch` also writes: a new order version where warehouse, carrier or a flag changed (never in
place), one `rule_hits` row per rule that fired, new exceptions, and an 'auto_cleared' version of every
rules-raised exception whose condition no longer holds.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from models import lake
from models.db import LakeConnection, connect
from models.exceptions import OPEN, exception_id, new_exception, next_version, raise_exceptions
from models.rules import canonical, evaluate
from models.rules.config import RuleSet
from models.rules.store import active_rules
from models.settings import load_settings
from models.versions import latest

log = logging.getLogger(__name__)
OUT_OF_STOCK_RULE = "routing-stock"
# Open by its lifecycle stage (a warehouse or carrier step moves it on), or still holding an open rules
# exception: an order that shipped meanwhile is evaluated once more, so its exceptions close.
OPEN_OR_FLAGGED = """
select order_id from (select o.order_id, coalesce(lc.stage, o.status) as status
                      from orders o left join order_lifecycle lc using (order_id)) where {open}
union
select order_id from exceptions where source = 'rules' and status in (select unnest($open::varchar[]))
  and order_id is not null
"""


@dataclass
class RuleOutcome:
    """What the rules decided for a batch: routes, flags, the exceptions that should be open, every hit."""

    evaluation_id: str
    evaluated_at: datetime
    rules_version: str
    orders: list[str]
    routing: pd.DataFrame  # every matching routing rule: order_id, pos, rule_id, warehouse, hold, ok, chosen
    carrier: pd.DataFrame  # every matching carrier rule: order_id, pos, rule_id, carrier, cost_cents, chosen
    fired: pd.DataFrame  # interception + SLA hits: order_id, rule_id, flag, exception
    exceptions: pd.DataFrame  # should be open: exception_id, order_id, type, rule_id, severity, note, due_minutes

    def routes(self) -> pd.DataFrame:
        """One row per order that a routing or carrier rule decided: warehouse, held, carrier and the rules."""
        wh = self.routing[self.routing["chosen"] == True]  # noqa: E712 - nullable booleans
        wh = wh.rename(columns={"rule_id": "warehouse_rule", "hold": "held"})[
            ["order_id", "warehouse", "warehouse_rule", "held"]]
        ca = self.carrier[self.carrier["chosen"] == True].rename(columns={"rule_id": "carrier_rule"})  # noqa: E712
        return wh.merge(ca[["order_id", "carrier", "carrier_rule"]], on="order_id", how="outer")


def apply_rules(db_or_lake: LakeConnection | Path, order_ids: list[str] | None, rules: RuleSet | None = None,
                now: datetime | None = None, scoped: bool = True) -> RuleOutcome:
    """Evaluate every rule kind over the orders (None: all orders), one SQL query per kind.

    `scoped`: routing/carrier only for orders not yet allocated, interception/SLA only for open orders
    (what ingest wants); replay passes False to compare two rule sets over history.
    """
    db = db_or_lake if isinstance(db_or_lake, LakeConnection) else connect(load_settings(Path(db_or_lake).parent))
    rules = rules or active_rules(db.settings)
    now = now or datetime.now(UTC)
    canonical.load_batch(db, rules, order_ids, now)
    fired = pd.concat([evaluate.firing(db, rules.of_kind("interception"), scoped),
                       evaluate.firing(db, rules.of_kind("sla"), scoped)], ignore_index=True)
    evaluate.set_flags(db, fired)
    routing = evaluate.routing(db, rules.of_kind("routing"), scoped)
    carrier = evaluate.carrier(db, rules.of_kind("carrier"), scoped)
    ids = [r[0] for r in db.con.execute("select order_id from rule_batch order by order_id").fetchall()]
    outcome = RuleOutcome("EV-" + uuid.uuid4().hex[:16].upper(), now, rules.version, ids, routing, carrier,
                          fired, pd.DataFrame())
    outcome.exceptions = _wanted_exceptions(outcome, rules)
    return outcome


def _wanted_exceptions(outcome: RuleOutcome, rules: RuleSet) -> pd.DataFrame:
    """Exceptions the rules say should be open: fired interception/SLA rules plus orders with no stock."""
    by_id = rules.by_id()
    rows = [{"order_id": h.order_id, "type": h.exception, "rule_id": h.rule_id, "severity": by_id[h.rule_id].severity,
             "due_minutes": by_id[h.rule_id].due_minutes, "note": by_id[h.rule_id].description_en, "why": h.why}
            for h in outcome.fired.dropna(subset=["exception"]).itertuples()]
    routing = outcome.routing
    stuck = routing.groupby("order_id").filter(lambda g: not g["chosen"].fillna(False).any())
    for order_id, group in stuck.groupby("order_id"):
        tried = ", ".join(f"{r.rule_id}: {r.warehouse}" for r in group.itertuples())
        stock_at, split = group["stock_at"].dropna(), group["split"].dropna()
        hint = (f"split shipment {split.iloc[0]}" if len(split) else f"transfer from {stock_at.iloc[0]}"
                if len(stock_at) else "no warehouse has every line in stock")
        rows.append({"order_id": order_id, "type": "out_of_stock", "rule_id": OUT_OF_STOCK_RULE, "severity": "high",
                     "due_minutes": None, "note": f"No stock for every line at {tried}; suggestion: {hint}",
                     "why": f"no stock for every line at {tried}"})
    df = pd.DataFrame(rows, columns=["order_id", "type", "rule_id", "severity", "due_minutes", "note", "why"])
    df.insert(0, "exception_id", [exception_id(o, t, r) for o, t, r in zip(df.order_id, df.type, df.rule_id,
                                                                              strict=True)])
    return df


def route_batch(lake_dir: Path, order_ids: list[str], now: datetime | None = None) -> RuleOutcome:
    """Evaluate the active rules over these orders and write routes, rule hits and exceptions."""
    db = connect(load_settings(Path(lake_dir).parent))
    try:
        outcome = apply_rules(db, list(order_ids), now=now)
        _write_orders(lake_dir, outcome)
        _write_hits(lake_dir, outcome)
        _write_exceptions(lake_dir, db, outcome)
    finally:
        db.close()
    return outcome


def route_open_orders(lake_dir: Path, now: datetime | None = None) -> RuleOutcome:
    """Re-evaluate every open order: SLA rules depend on the clock, stock arrives, ingest may have died
    between writing orders and routing them. The scheduler runs this every few minutes."""
    db = connect(load_settings(Path(lake_dir).parent))
    try:
        query = OPEN_OR_FLAGGED.format(open=evaluate.OPEN)
        ids = [r[0] for r in db.con.execute(query, {"open": list(OPEN)}).fetchall()]
    finally:
        db.close()
    return route_batch(lake_dir, ids, now)


def _write_orders(lake_dir: Path, outcome: RuleOutcome) -> None:
    """A new version (same updated_at, later ingested_at) of each order whose warehouse, carrier or flags change."""
    routes = outcome.routes().set_index("order_id")
    flags = outcome.fired.dropna(subset=["flag"])
    touched = sorted(set(routes.index) | set(flags["order_id"]))
    stamp = max(outcome.evaluated_at, datetime.now(UTC))
    rows = []
    for order_id, row in latest(lake_dir, "orders", touched).items():
        new = dict(row)
        if order_id in routes.index:
            route = routes.loc[order_id]
            if isinstance(route["warehouse"], str):
                new["warehouse"] = route["warehouse"]
            if isinstance(route["carrier"], str):
                new["carrier"] = route["carrier"]
        for flag in flags.loc[flags["order_id"] == order_id, "flag"]:
            new[flag] = True
        if new != row:
            rows.append({**new, "ingested_at": max(stamp, row["ingested_at"]), "batch_id": outcome.evaluation_id})
    lake.write(lake_dir, "orders", rows)


def _write_hits(lake_dir: Path, outcome: RuleOutcome) -> None:
    """One rule_hits row per rule that fired: the answer to "why did this happen?"."""
    frames = [
        outcome.routing.assign(kind="routing", outcome=outcome.routing["warehouse"].fillna("hold"),
                               detail=outcome.routing["ok"].map({True: "stock ok", False: "no stock"})),
        outcome.carrier.assign(kind="carrier", outcome=outcome.carrier["carrier"], detail=None),
        outcome.fired.assign(kind="rule", outcome=outcome.fired["exception"].fillna(outcome.fired["flag"]),
                             chosen=True, detail=outcome.fired.get("why")),
    ]
    hits = pd.concat([f[["order_id", "kind", "rule_id", "outcome", "chosen", "detail"]] for f in frames if len(f)],
                     ignore_index=True) if any(len(f) for f in frames) else pd.DataFrame()
    if hits.empty:
        return
    hits["chosen"] = hits["chosen"].fillna(False).astype(bool)
    hits["evaluation_id"] = outcome.evaluation_id
    hits["hit_id"] = [f"{outcome.evaluation_id}-{i}" for i in range(len(hits))]
    hits["evaluated_at"] = outcome.evaluated_at
    hits["rules_version"] = outcome.rules_version
    lake.write(lake_dir, "rule_hits", hits)


def _write_exceptions(lake_dir: Path, db: LakeConnection, outcome: RuleOutcome) -> None:
    """Raise the wanted exceptions; close the rules' own open ones whose condition cleared."""
    wanted = outcome.exceptions
    raise_exceptions(lake_dir, [
        new_exception(r.order_id, r.type, source="rules", severity=r.severity, rule_id=r.rule_id, note=r.note,
                      detected_at=outcome.evaluated_at, why=None if pd.isna(r.why) else r.why,
                      due_minutes=None if pd.isna(r.due_minutes) else int(r.due_minutes))
        for r in wanted.itertuples()])
    open_now = db.con.execute(
        "select exception_id from exceptions where source = 'rules' and status in (select unnest($open::varchar[])) "
        "and order_id in (select unnest($ids::varchar[]))", {"open": list(OPEN), "ids": outcome.orders}).fetchall()
    cleared = sorted({r[0] for r in open_now} - set(wanted["exception_id"]))
    routes = outcome.routes().set_index("order_id")
    rules = active_rules(db.settings).by_id()
    rows = []
    for current in latest(lake_dir, "exceptions", cleared).values():
        if current["status"] in OPEN:
            rows.append(next_version(current, outcome.evaluated_at, status="resolved", resolution_code="auto_cleared",
                                     note=_why_cleared(current, routes, outcome),
                                     why=_cleared_evidence(db, rules, current)))
    lake.write(lake_dir, "exceptions", rows)


def _cleared_evidence(db: LakeConnection, rules: dict, exc: dict) -> str | None:
    """The columns that made it fire, as they are now, and the order's stage: why it no longer holds."""
    rule = rules.get(exc["rule_id"])
    if rule is None:
        return None
    canonical_cols = canonical.columns(db)
    evidence = evaluate.evidence_sql(evaluate.expand(rule.when), canonical_cols)
    if "status=" not in evidence:
        evidence = f"concat_ws(', ', 'status=' || status, {evidence})"
    row = db.con.execute(f"select {evidence} from rule_batch where order_id = $id", {"id": exc["order_id"]}).fetchone()
    return None if row is None else row[0]


def _why_cleared(exc: dict, routes: pd.DataFrame, outcome: RuleOutcome) -> str:
    when = outcome.evaluated_at.isoformat(timespec="minutes")
    if exc["type"] == "out_of_stock" and exc["order_id"] in routes.index:
        route = routes.loc[exc["order_id"]]
        return f"Re-evaluated {when}: stock available, routed to {route['warehouse']} by rule {route['warehouse_rule']}"
    return f"Re-evaluated {when}: rule {exc['rule_id']} no longer matches this order"
