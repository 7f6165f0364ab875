"""The Flow page reads each order's trace from order_facts (computed from the events when the mart is
refreshed): on a synthetic lake where 3 % of orders are re-allocated (the benchmark's generator), the
directly-follows graph, the variants and the rework share equal those computed per query from every event,
the way the trace is defined, and they survive an incremental refresh."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bench import synth, workdir
from models import facts_mart, lake
from models.db import connect
from models.kpis import Scope, run
from models.settings import Settings

# The definition, straight from the events: dedupe by event id; the k-th report of a step by one source is
# occurrence k, at the earliest of those reports; order by time, then lifecycle order, then k.
ALL_EVENT_STEPS = """
with events as (
    select distinct on (event_id) order_id, event, source, occurred_at
    from lake_order_events
    where order_id in (select order_id from scoped_orders($start_at, $end_at, [], [], []))
    order by event_id
), occurrences as (
    select order_id, event, k, min(occurred_at) as occurred_at,
        list_position(['placed', 'paid', 'reviewed', 'allocated', 'picked', 'packed', 'shipped', 'in_transit',
            'delivered', 'completed', 'cancelled', 'refunded', 'returned'], event) as rank
    from (select *, row_number() over (partition by order_id, event, source order by occurred_at) as k from events)
    group by all
)
select order_id, event, k, occurred_at,
    row_number() over w as step_no, lead(event) over w as next_event,
    date_diff('second', occurred_at, lead(occurred_at) over w) / 3600.0 as next_h
from occurrences
window w as (partition by order_id order by occurred_at, rank, k)
"""
EXPECTED = {
    "flow_transitions": f"""
        select event as from_event, next_event as to_event, count(*) as transitions,
            count(distinct order_id) as orders, median(next_h) as median_h
        from ({ALL_EVENT_STEPS}) where next_event is not null
        group by all order by transitions desc, from_event, to_event""",
    "flow_variants": f"""
        with traces as (select order_id, list(event order by step_no) as path, max(k) > 1 as loops
                        from ({ALL_EVENT_STEPS}) group by order_id)
        select array_to_string(path, ' → ') as variant, len(path) as steps, count(*) as orders,
            count(*) / sum(count(*)) over () as share, bool_or(loops) as loops
        from traces group by path order by orders desc, variant limit 10""",
    "flow_rework": f"""
        with steps as (select * from ({ALL_EVENT_STEPS})),
             traces as (select order_id, max(k) > 1 as loops from steps group by order_id)
        select count(*) as orders, count(*) filter (where loops) as rework_orders,
            count(*) filter (where loops) / nullif(count(*), 0) as rework_share,
            (select list_sort(list(distinct event)) from steps where k > 1) as repeated_steps
        from traces""",
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("synth"))
    synth.generate(settings.lake_dir, 6_000, days=40, chunk=2_000, progress=False)
    facts_mart.refresh(settings)
    workdir.ingest_batch(settings, 6_000, new=200, updated=300)  # the mart's next refresh is incremental
    _allocate_a_third_time(settings)
    _allocate_at_payment(settings)
    return settings


def _allocate_a_third_time(settings: Settings) -> None:
    """One re-allocated order allocated once more, a second after its second allocation: it then makes the move
    allocated → allocated twice, one order but two transitions (the generator never repeats a move)."""
    _add_one_event(settings, """
        select * replace (event_id || '-again' as event_id, occurred_at + interval 1 second as occurred_at)
        from lake_order_events
        where event = 'allocated' and order_id = (
            select min(order_id) from order_facts
            where placed_at >= timestamptz '2026-11-05' and placed_at < timestamptz '2026-11-20'
              and list_contains(list_transform(list_zip(trace[:-2], trace[2:]), lambda p: p[1].e || p[2].e),
                                'allocatedallocated'))
        order by occurred_at desc limit 1""")


def _allocate_at_payment(settings: Settings) -> None:
    """One plain order also allocated, by the platform, at the very instant it was paid: its first allocation
    is then at that time, two steps at one instant, which lifecycle order puts paid first (by name, allocated
    would come first)."""
    _add_one_event(settings, """
        select * replace (event_id || '-at-paid' as event_id, 'allocated' as event)
        from lake_order_events
        where event = 'paid' and order_id = (
            select max(order_id) from order_facts
            where placed_at >= timestamptz '2026-11-05' and placed_at < timestamptz '2026-11-20'
              and variant = 'placed,paid,allocated,picked,packed,shipped,delivered')
        limit 1""")


def _add_one_event(settings: Settings, query: str) -> None:
    """Write to the lake the one event row `query` makes from the lake's own events."""
    db = connect(settings)
    try:
        event = db.con.execute(query).df()
    finally:
        db.close()
    assert len(event) == 1
    lake.write(settings.lake_dir, "order_events", event)


def test_two_steps_at_one_instant_follow_the_lifecycle(synthetic):
    db = connect(synthetic, materialize=True)
    try:
        trace = db.con.execute("""
            select list_transform(trace, lambda x: x.e || x.k)[:4], trace[2].t = trace[3].t from order_facts
            where order_id = (select order_id from lake_order_events where event_id like '%-at-paid')""").fetchone()
    finally:
        db.close()
    assert trace == (["placed1", "paid1", "allocated1", "picked1"], True)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_traces_from_the_mart_equal_traces_from_every_event(synthetic, name):
    scope = Scope(date(2026, 11, 1), date(2026, 11, 25))
    db = connect(synthetic, materialize=True)
    try:
        got = run(db, name, scope)
        lo, hi = scope.bounds(synthetic.timezone)
        want = db.con.execute(EXPECTED[name], {"start_at": lo, "end_at": hi}).df()
        looping = db.con.execute("select count(*) filter (where list_max(list_transform(trace, lambda x: x.k)) > 1), "
                                 "count(*) from order_facts").fetchone()
        repeats = db.con.execute(f"select count(*) from ({ALL_EVENT_STEPS}) where event = 'allocated' "
                                 "and next_event = 'allocated' group by order_id order by 1 desc limit 1",
                                 {"start_at": lo, "end_at": hi}).fetchone()[0]
    finally:
        db.close()
    assert 0 < looping[0] < looping[1]  # orders that loop back and orders that don't
    assert repeats == 2  # an order that makes one move twice (counted once in `orders`)
    assert facts_mart.read_manifest(facts_mart.mart_dir(synthetic)).mode == "incremental"
    assert len(want) > 0
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)
