"""Customer-service lookup: "where is my order?" from whatever the customer has at hand.

    hits = search(db, "SF1234", user)       # orders whose id, platform id or tracking number holds the text
    story = triage_queries.order_story(db, hits.order_id[0], user.access)   # what the order page shows
    timeline = with_step_hours(story["timeline"])     # + hours the order spent in each step
    carrier_latest(story["timeline"])                  # 'out_for_delivery', or None before the carrier reports

The search reads the order_facts mart in place (the console connects with materialize=True): an exact
match on any id first, then part of one, then (only for roles that may see personal data) the receiver
phone. Every read stays inside the user's access: an order outside it is never listed, the same as an
unknown one. The SQL is in models/sql/lookup/lookup.sql.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import pandas as pd

from models import lookup_keys
from models.auth import User
from models.db import SQL_DIR, LakeConnection
from models.kpis import named_queries

LIMIT = 50  # rows listed at most: a person picks from a list, they do not page through thousands
MIN_PARTIAL = 3  # characters before part of an id is searched (fewer would match nearly every order)
MIN_PHONE = 4  # digits before a phone is searched (the last four are what customers usually give)
_PHONE = re.compile(r"^\+?[\d\s().-]+$")
CARRIER = "carrier"
PARTIAL, PHONE = "partial_indexed", "phone_indexed"
UNCAPPED = 2**62
HIGHEST = chr(0x10FFFF)  # sorts after every character: key < text + HIGHEST holds every key that starts with text


def _run(db: LakeConnection, name: str, keys: str | None = None, **params: Any) -> pd.DataFrame:
    """A named query; `keys` replaces the whole key index by some months of it (a union of month views)."""
    sql = named_queries(SQL_DIR / "lookup")[name]
    if keys is not None:
        sql = sql.replace("from lookup_keys", f"from ({keys})")
    return db.con.execute(sql, params).df()


def phone_digits(text: str) -> str | None:
    """The digits of a text that looks like (part of) a phone number, else None."""
    digits = re.sub(r"\D", "", text)
    return digits if _PHONE.match(text) and len(digits) >= MIN_PHONE else None


def search(db: LakeConnection, text: str, user: User, limit: int = LIMIT) -> pd.DataFrame:
    """Orders in the user's access matching `text`, newest first (at most `limit`), with the field that
    matched (`matched`: order_id, platform_order_id, tracking_no or receiver_phone). An exact id wins alone.
    Over the lookup key index when the connection has it (models/lookup_keys.py), else by scanning the mart:
    the same rows in the same order."""
    text = text.strip()
    scope = {"limit": limit, **user.access.as_dict()}
    keyed = _has_keys(db)
    if not text:
        return _exact(db, "\x00", scope) if keyed else _run(db, "exact", text="\x00", **scope)
    exact = _exact(db, text, scope) if keyed else _run(db, "exact", text=text, **scope)
    if not exact.empty:
        return exact
    memo: dict[tuple, str] = {}  # blocks found once serve both searches (a text of digits is both)
    found = [_partial(db, text, scope, keyed, memo)] if len(text) >= MIN_PARTIAL else []
    digits = phone_digits(text)
    if digits and user.can("view_pii"):
        found.append(_newest(db, PHONE, {"digits": digits, **scope}, digits, scope["limit"], memo) if keyed
                     else _run(db, "phone", digits=digits, **scope))
    if not found:
        return exact
    return pd.concat(found, ignore_index=True).drop_duplicates("order_id").head(limit).reset_index(drop=True)


def _has_keys(db: LakeConnection) -> bool:
    return bool(db.con.execute("select count(*) from duckdb_views() where view_name = 'lookup_keys'").fetchone()[0])


def _exact(db: LakeConnection, text: str, scope: dict[str, Any]) -> pd.DataFrame:
    return _run(db, "exact_indexed", text=text, lower=text.lower(), **scope)


def _partial(db: LakeConnection, text: str, scope: dict[str, Any], keyed: bool, memo: dict[tuple, str]
             ) -> pd.DataFrame:
    """Part of an id. Over the index: every order with an id starting with the text (a key range, cheap) comes
    first; when they fill the list it is theirs; else the rest is found newest month first (`_newest`)."""
    if not keyed:
        return _run(db, "partial", text=text, upper=text.upper(), **scope)
    params = {"text": text, "upper": text.upper(), "lower": text.lower(), **scope}
    prefix = _run(db, "prefix_indexed", high=params["lower"] + HIGHEST, **params)
    if len(prefix) >= scope["limit"]:
        return prefix
    firsts = set(prefix.order_id)
    rest = _newest(db, PARTIAL, params, params["lower"], scope["limit"] - len(prefix), memo, firsts)
    rows = _stack([prefix, rest]).drop_duplicates("order_id")
    rows = rows.assign(_first=rows.order_id.isin(firsts)).sort_values(
        ["_first", "placed_at", "order_id"], ascending=[False, False, True], kind="stable")
    return rows.drop(columns="_first").head(scope["limit"]).reset_index(drop=True)


def _newest(db: LakeConnection, name: str, params: dict[str, Any], needle: str, wanted: int,
            memo: dict[tuple, str], skip: Collection[str] = ()) -> pd.DataFrame:
    """A search over the key index from the newest month: that month alone first, then all the others unless
    it found `wanted` orders outside `skip` (a text many orders hold, such as a phone's last digits): every
    order of an older month was placed before every order found, so none of them can enter the list (the
    orders in `skip` the caller has in full already). The rows are the query's, as if it had read every month."""
    months = lookup_keys.newest_first([v for (v,) in db.con.execute(
        "select view_name from duckdb_views() where starts_with(view_name, $p)", {"p": lookup_keys.VIEW_PREFIX})
        .fetchall()])
    limit = params["limit"]
    params = {**params, "cap": 3 * limit}  # partial: at most 3 key rows per order; phone: see the query
    parts, found, step = [], 0, 1
    while months and found < wanted:
        chunk, months, step = months[:step], months[step:], len(months)
        key = (tuple(chunk), needle)
        if key not in memo:
            memo[key] = _blocks_holding(db, chunk, needle)
        part = _run(db, name, memo[key], **params)
        if name == PHONE and len(part) < limit:  # few matches, or orders with many phones: no cap
            part = _run(db, name, memo[key], **{**params, "cap": UNCAPPED})
        parts.append(part)
        found += int((~part.order_id.isin(list(skip))).sum())
    if not parts:
        return _run(db, name, **{**params, "cap": UNCAPPED})
    return _stack(parts).head(limit).reset_index(drop=True)


def _blocks_holding(db: LakeConnection, views: list[str], needle: str) -> str:
    """These months' keys, narrowed to the blocks whose joined keys hold `needle` (lookup_keys.BLOCK) and to the
    months that have such blocks (a month's block numbers are in file order, so its row groups are pruned by
    them; a month without one would still have every block number read); all of them when too many blocks do
    (reading the few is then no cheaper); none when no block does."""
    holding = " union all ".join(f"select '{v}' as month, block from {v} where blob is not null and contains(blob, $n)"
                                 for v in views)
    found = db.con.execute(holding, {"n": needle}).fetchall()
    if len(found) > lookup_keys.MAX_BLOCKS:
        return " union all ".join(f"select * from {v}" for v in views)
    if not found:  # nothing to read: `block in (null)` still scanned every month's block numbers
        return f"select * from {views[0]} where false"
    months: dict[str, list[int]] = {}
    for month, block in found:
        months.setdefault(month, []).append(block)
    return " union all ".join(f"select * from {v} where block in ({', '.join(map(str, blocks))})"
                              for v, blocks in months.items())


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames one under the other; empty ones left out (their columns' types would change the result's)."""
    full = [f for f in frames if not f.empty]
    return pd.concat(full, ignore_index=True) if len(full) > 1 else (full or frames)[0].reset_index(drop=True)


def with_step_hours(timeline: pd.DataFrame) -> pd.DataFrame:
    """The story's timeline (event time order) with `h_in_step`: hours from each event to the next one,
    the time the order spent in that step (empty for the last: it is still in it)."""
    timeline = timeline.sort_values(["occurred_at", "event"], kind="stable").reset_index(drop=True)
    gap = timeline["occurred_at"].shift(-1) - timeline["occurred_at"]
    return timeline.assign(h_in_step=gap.dt.total_seconds() / 3600.0)


def carrier_latest(timeline: pd.DataFrame) -> str | None:
    """The carrier's latest report on the parcel (by event time, not arrival), or None before its first."""
    reports = timeline[timeline["source"] == CARRIER]
    if reports.empty:
        return None
    return str(reports.sort_values("occurred_at", kind="stable")["event"].iloc[-1])
