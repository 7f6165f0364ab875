"""The operations record: exceptions (versioned open → in_progress → resolved/dismissed) and the human
actions that handled them.

Rates are per-type believable shares of eligible orders, nudged per channel and per ISO week so the
manual-intervention rate moves around the 3 % target instead of sitting on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.demo import catalog as cat
from sim.demo.orders import DAY, HOUR, Window
from sim.demo.sqlbits import ts_array, with_stable_hash

MIN = 60.0
DUE_HOURS = {"high": 2.0, "medium": 8.0, "low": 24.0}
CHANNEL_FACTOR = {"offline": 1.6, "shopify": 0.7, "douyin": 1.2}


@dataclass(frozen=True)
class Spec:
    """One exception type: who is eligible, how often, when found, and how it usually ends."""

    type: str
    rate: float
    eligible: str  # the event the order must have reached (or a named mask)
    after: str  # detected this long after that event: "min" minutes, "hours", "days"
    severity: str
    rule_id: str | None  # as the Rules page names it (data/config/rules.toml); None: a check of `source`, no rule
    source: str
    human: float  # share handled by a person (take + resolving action)
    final: str  # resolved | dismissed
    resolution: str
    action: str  # the resolving action's name


SPECS = (
    Spec(
        "address_invalid",
        0.005,
        "paid",
        "min",
        "medium",
        None,
        "oms",
        1.0,
        "resolved",
        "address_corrected",
        "correct_address",
    ),
    Spec(
        "out_of_stock",
        0.004,
        "allocated",
        "min",
        "high",
        None,
        "oms",
        0.9,
        "resolved",
        "rerouted",
        "reroute_warehouse",
    ),
    Spec(
        "payment_failed",
        0.2,
        "unpaid",
        "min",
        "low",
        None,
        "platform",
        0.0,
        "dismissed",
        "auto_closed",
        "dismiss",
    ),
    Spec(
        "unmapped_status",
        0.0008,
        "placed",
        "min",
        "medium",
        None,
        "oms",
        1.0,
        "resolved",
        "status_mapped",
        "map_status",
    ),
    Spec(
        "sync_failure",
        0.003,
        "placed",
        "hours",
        "low",
        None,
        "oms",
        0.1,
        "resolved",
        "retried_ok",
        "resolve",
    ),
    Spec(
        "gift_missing",
        0.3,
        "gift_due",
        "min",
        "medium",
        "int-gift-check",
        "rules",
        1.0,
        "resolved",
        "gift_added",
        "add_gift",
    ),
    Spec(
        "manual_review",
        1.0,
        "manual_review",
        "min",
        "medium",
        None,
        "oms",
        1.0,
        "resolved",
        "approved",
        "approve_review",
    ),
    Spec("sla_breach", 1.0, "sla", "min", "high", "sla-ship-by", "rules", 0.2, "resolved", "auto_cleared", "note"),
    Spec(
        "oversell",
        0.001,
        "allocated",
        "min",
        "high",
        None,
        "oms",
        1.0,
        "resolved",
        "reallocated",
        "reroute_warehouse",
    ),
    Spec(
        "duplicate_order",
        0.0005,
        "placed",
        "min",
        "low",
        None,
        "oms",
        1.0,
        "dismissed",
        "not_duplicate",
        "dismiss",
    ),
    Spec(
        "carrier_rejected",
        0.0015,
        "packed",
        "min",
        "medium",
        None,
        "carrier",
        1.0,
        "resolved",
        "carrier_changed",
        "reroute_carrier",
    ),
    Spec(
        "wrong_item",
        0.0025,
        "delivered",
        "days",
        "high",
        None,
        "console",
        1.0,
        "resolved",
        "reshipped",
        "resolve",
    ),
    Spec(
        "missing_item",
        0.0012,
        "delivered",
        "days",
        "high",
        None,
        "console",
        1.0,
        "resolved",
        "reshipped",
        "resolve",
    ),
)


def _eligible(
    name: str, orders: pd.DataFrame, t: dict[str, np.ndarray], win: Window
) -> tuple[np.ndarray, np.ndarray]:
    """Mask of eligible orders and the instant the check could first fire."""
    if name == "unpaid":
        return ~np.isnan(t["cancelled"]) & np.isnan(t["paid"]), t["placed"]
    if name == "gift_due":
        return orders["gift_due"].to_numpy() & ~orders["has_gift"].to_numpy() & ~np.isnan(t["reviewed"]), t[
            "paid"
        ]
    if name == "manual_review":
        return orders["manual_review"].to_numpy(), t["paid"]
    if name == "sla":
        late = t["shipped"] > t["ship_by"]
        overdue = np.isnan(t["shipped"]) & np.isnan(t["cancelled"]) & (t["ship_by"] < win.as_of)
        return late | overdue, t["ship_by"]
    return ~np.isnan(t[name]), t[name]


def _in_order(
    spec: Spec, detected: np.ndarray, taken: np.ndarray, closed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keep, taken, closed) such that every exception's versions run detected < taken < closed.

    An SLA breach whose order shipped before the check ran never fired (keep False). Otherwise a close
    before detection moves to a minute after it, and a take at or after the close did not happen (the
    order shipped first): without this the later "open"/"in_progress" version outlived its own close and
    the exception stayed open for ever on a completed order.
    """
    keep = np.ones(detected.size, dtype=bool)
    if spec.type == "sla_breach":
        keep = np.isnan(closed) | (closed > detected)
    closed = np.where(np.isnan(closed), np.nan, np.maximum(closed, detected + MIN))
    taken = np.where(taken > detected, taken, np.nan)
    taken = np.where(np.isnan(closed) | (taken < closed), taken, np.nan)
    return keep, taken, closed


def simulate_exceptions(
    rng: np.random.Generator, orders: pd.DataFrame, t: dict[str, np.ndarray], win: Window
) -> pd.DataFrame:
    """One row per exception with its detected/taken/closed instants (NaN = not reached by now)."""
    n = len(orders)
    factor = orders["channel"].map(CHANNEL_FACTOR).fillna(1.0).to_numpy()
    week = orders["day_idx"].to_numpy() // 7
    factor = factor * np.exp(rng.normal(0, 0.18, week.max() + 1))[week]
    frames = []
    for k, spec in enumerate(SPECS):
        mask, start = _eligible(spec.eligible, orders, t, win)
        rate = spec.rate if spec.rate >= 1.0 else spec.rate * factor
        chosen = np.flatnonzero(mask & (rng.random(n) < rate))
        m = chosen.size
        offset = {
            "min": rng.uniform(30, 5 * MIN, m),
            "hours": rng.uniform(0, 2 * HOUR, m),
            "days": rng.uniform(3 * HOUR, 3 * DAY, m),
        }[spec.after]
        detected = start[chosen] + offset
        human = rng.random(m) < spec.human
        taken = np.where(human, detected + np.exp(rng.normal(np.log(25 * MIN), 0.8, m)), np.nan)
        closed = np.where(human, taken, detected) + np.exp(rng.normal(np.log(1.5 * HOUR), 0.9, m))
        if spec.type == "manual_review":
            closed = t["reviewed"][chosen]
            taken = np.minimum(taken, closed - rng.uniform(60, 10 * MIN, m))
        elif spec.type == "sla_breach":
            closed = t["shipped"][chosen]
        elif spec.type == "payment_failed":
            closed = t["cancelled"][chosen]
        keep, taken, closed = _in_order(spec, detected, taken, closed)
        frames.append(
            pd.DataFrame(
                {
                    "idx": chosen,
                    "spec": k,
                    "detected": detected,
                    "taken": taken,
                    "closed": closed,
                    "user": rng.integers(0, 5, m),
                    "ship_by": t["ship_by"][chosen],
                }
            )[keep]
        )
    exc = pd.concat(frames, ignore_index=True)
    exc = exc[exc["detected"] <= win.as_of].reset_index(drop=True)
    exc[["detected", "taken", "closed"]] = exc[["detected", "taken", "closed"]].round()
    exc.loc[exc["closed"] > win.as_of, "closed"] = np.nan
    exc.loc[exc["taken"] > win.as_of, "taken"] = np.nan
    return exc


def exception_tables(con, exc: pd.DataFrame, win: Window) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Versioned exception rows, the actions people took on them (plus a few order notes), and the rule hit
    behind each exception a rule raised (the order page's "Rules that fired")."""
    spec = pd.DataFrame([s.__dict__ for s in SPECS])
    spec["due_h"] = spec["severity"].map(DUE_HOURS)
    src = pa.table(
        {
            "idx": exc["idx"].to_numpy(),
            "spec": exc["spec"].to_numpy(),
            "detected_at": ts_array(exc["detected"].to_numpy()),
            "taken_at": ts_array(exc["taken"].to_numpy()),
            "closed_at": ts_array(exc["closed"].to_numpy()),
            "ship_by_at": ts_array(exc["ship_by"].to_numpy()),
            "user_no": exc["user"].to_numpy(),
        }
    )
    con.register("exc_src", src)
    con.register("exc_spec", pa.Table.from_pandas(spec.reset_index(names="spec"), preserve_index=False))
    con.register(
        "demo_users",
        pa.table(
            {
                "user_no": list(range(5)),
                "user": [u for u, _ in cat.DEMO_USERS[:5]],
                "role": [r for _, r in cat.DEMO_USERS[:5]],
            }
        ),
    )
    inner = """select k.order_id, k.warehouse, k.carrier, x.*, s.* exclude (spec), u.user, u.role
               from exc_src x join order_keys k using (idx) join exc_spec s using (spec)
               join demo_users u using (user_no)"""
    con.execute(
        "create or replace temp table exc as "
        + with_stable_hash(inner, "order_id, type, epoch(detected_at)::bigint", "hash")
    )
    exceptions = con.sql(_EXCEPTION_VERSIONS).to_arrow_table()
    actions = con.sql(_ACTIONS).to_arrow_table()
    hits = con.sql(_RULE_HITS).to_arrow_table()
    for name in ("exc_src", "exc_spec", "demo_users"):
        con.unregister(name)
    return exceptions, actions, hits


_EXCEPTION_VERSIONS = """
with versions as (
    select *, 'open' as v_status, detected_at as v_at, null as v_assignee, null::timestamptz as v_resolved,
        null as v_code from exc
    union all
    select *, 'in_progress', taken_at, user, null, null from exc where taken_at is not null
    union all
    select *, final, closed_at, case when taken_at is not null then user end, closed_at, resolution
    from exc where closed_at is not null
)
select 'EX-' || hash as exception_id, order_id, type, severity, rule_id, v_status as status,
    v_assignee as assignee, detected_at, detected_at + to_seconds(cast(due_h * 3600 as bigint)) as due_at,
    v_resolved as resolved_at, v_code as resolution_code,
    case when v_status in ('resolved',
        'dismissed') and v_assignee is not null then 'handled in demo console' end
        as note,
    source, v_at as updated_at, v_at + interval 60 second as ingested_at,
    'demo-exceptions-' || strftime(v_at, '%Y%m%d') as batch_id,
    case when v_status = 'resolved' and resolution = 'auto_cleared'
         then 'status=shipped, shipped_at=' || _WHEN(closed_at) else _WHY end as why
from versions order by exception_id, updated_at
"""
# What the rule read when it fired (models/rules/evaluate.evidence_sql's shape); demo rows know these values.
_WHY_SQL = """case type when 'sla_breach' then 'now_at=' || _WHEN(detected_at) || ', ship_by_at=' || _WHEN(ship_by_at)
    when 'gift_missing' then 'has_gift_line=false' end"""
_EXCEPTION_VERSIONS = _EXCEPTION_VERSIONS.replace("_WHY", _WHY_SQL).replace("_WHEN(", "strftime('%Y-%m-%d %H:%M', ")

_RULE_HITS = """
select 'HIT-' || hash as hit_id, 'demo-' || hash as evaluation_id, order_id, 'rule' as kind, rule_id,
    type as outcome, true as chosen, _WHY as detail, detected_at as evaluated_at, 'demo' as rules_version
from exc where source = 'rules'
""".replace("_WHY", _WHY_SQL).replace("_WHEN(", "strftime('%Y-%m-%d %H:%M', ")

_ACTIONS = """
with acts as (
    select *, 'take' as act, taken_at as act_at, 'exception' as target, '{"status":"open"}' as before_,
        json_object('status', 'in_progress', 'assignee', user)::varchar as after_,
            'picked up from queue' as reason_
    from exc where taken_at is not null
    union all
    select *, action, closed_at, case when action in ('take', 'resolve',
        'dismiss') then 'exception' else 'order' end,
        case action when 'reroute_warehouse' then json_object('warehouse', warehouse)::varchar
                    when 'reroute_carrier' then json_object('carrier', carrier)::varchar
                    when 'approve_review' then '{"review":"pending"}'
                    when 'correct_address' then '{"receiver_address":"(as entered by buyer)"}'
                    else '{"status":"in_progress"}' end,
        case action when 'reroute_warehouse' then json_object('warehouse',
            case warehouse when 'Suzhou' then 'Hefei' else 'Suzhou' end)::varchar
                    when 'reroute_carrier' then json_object('carrier',
                        case carrier when 'SF' then 'ZTO' else 'SF' end)::varchar
                    when 'approve_review' then '{"review":"approved"}'
                    when 'correct_address' then '{"receiver_address":"(corrected after call)"}'
                    else json_object('status', final, 'resolution_code', resolution)::varchar end,
        type || ': ' || resolution
    from exc where taken_at is not null and closed_at is not null
)
select 'AC-' || hash || '-' || case act when 'take' then 'T' else 'R' end as action_id,
    act_at as occurred_at, "user", role,
    act as action, target as target_type,
        case target when 'exception' then 'EX-' || hash else order_id end as target_id,
    order_id, before_ as before, after_ as after, reason_ as reason
from acts order by action_id
"""
