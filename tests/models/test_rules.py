"""Each rule kind on tests/triage_fixture.py's hand-made orders; expected outcomes worked out in its docstring."""

from __future__ import annotations

import pytest

from models.db import connect
from models.rules import config
from models.rules.apply import apply_rules, route_batch
from models.rules.config import RulesError
from models.rules.store import active_rules, check
from models.versions import latest
from tests import triage_fixture as tf
from tests.handmade import local


@pytest.fixture
def outcome(triage_lake):
    db = connect(triage_lake)
    yield apply_rules(db, tf.OPEN_ORDERS, now=tf.NOW)
    db.close()


def _by_order(df, col):
    return {k.removeprefix("OH-"): v for k, v in zip(df["order_id"], df[col], strict=True)}


def test_warehouse_routing_first_match_with_stock(outcome):
    routes = outcome.routes()
    assert _by_order(routes.dropna(subset=["warehouse"]), "warehouse") == {
        # In paid order (ties by id): T14 (03-01), T9 (07:00), T10 T11 T12 T3 T4 (08:00), T1 T13 T2 T5 T6 (11:00),
        # T8 (11:30); each takes its units, the next sees what is left. A: Suzhou 11, Hefei 6.
        "T14": "Suzhou",  # east: Suzhou 11 → 10
        "T9": "Hefei", "T10": "Hefei", "T11": "Hefei", "T12": "Hefei",  # default: Hefei 6 → 2
        "T3": "Hefei",  # west: Chengdu has no A → default Hefei (A 2 → 1, B 3 → 2)
        "T4": "Suzhou",  # A×6: Hefei has 1 left (the batch took 5) → fallback Suzhou 10 → 4
        "T1": "Suzhou",  # east, A×2: Suzhou 4 → 2
        "T13": "Suzhou",  # Suzhou 2 → 1
        "T2": "Hefei",  # east but Suzhou has 0 B (the older 50 is superseded) → next rule: Hefei B 2 → 1
        "T5": "Shanghai-Cold",  # cold chain
        "T8": "Hefei",  # central: Hefei's last A
    }
    held = routes[routes["held"] == True]  # noqa: E712
    assert list(held["order_id"]) == ["OH-T7"]  # presale, ship-by 03-10: held until then
    assert "OH-T15" not in set(routes["order_id"])  # already picked: not routed again


def test_no_stock_raises_out_of_stock_with_a_transfer_suggestion(outcome):
    oos = outcome.exceptions[outcome.exceptions["type"] == "out_of_stock"]
    assert list(oos["order_id"]) == ["OH-T6"]
    assert oos.iloc[0]["note"] == ("No stock for every line at route-cold: Shanghai-Cold; "
                                   "suggestion: transfer from Hefei, Suzhou")


def test_carrier_routing(outcome):
    assert _by_order(outcome.routes(), "carrier") == {
        "T1": "SF", "T2": "SF", "T5": "SF", "T6": "SF", "T13": "SF", "T14": "SF",  # 江浙沪
        "T8": "SF",  # paid 30 min ago
        "T9": "SF",  # urgent: its note says 生日礼物 (set by interception first)
        "T3": "ZTO",  # west 1.0 kg: SF 16.00 vs ZTO 8.00
        "T4": "ZTO",  # south 3.0 kg: SF 14+2×3 = 20.00 vs ZTO 7+2×1.5 = 10.00
        "T7": "ZTO",  # east 0.5 kg: SF 12, ZTO 5, YTO 5.50
        "T10": "YTO", "T11": "YTO",  # central: SF 13 vs YTO 6.50
        "T12": "ZTO",  # south 0.5 kg: ZTO 7
    }
    cheapest = outcome.carrier[outcome.carrier["chosen"] & (outcome.carrier["rule_id"] == "carrier-cheapest")]
    assert _by_order(cheapest, "cost_cents") == {"T3": 800, "T4": 1000, "T7": 500, "T10": 650, "T11": 650,
                                                 "T12": 700}


def test_interception_rules_all_fire(outcome):
    fired = {(o.removeprefix("OH-"), r) for o, r in zip(outcome.fired["order_id"], outcome.fired["rule_id"],
                                                         strict=True) if not r.startswith("sla")}
    assert fired == {("T8", "int-campus-risk"), ("T9", "int-urgent-note"), ("T10", "int-gift-check"),
                     ("T10", "int-vip"), ("T11", "int-vip"), ("T12", "int-serial-returner")}


def test_sla_rules(outcome):
    sla = {(o.removeprefix("OH-"), r) for o, r in zip(outcome.fired["order_id"], outcome.fired["rule_id"],
                                                      strict=True) if r.startswith("sla")}
    # T14 was paid 03-01 10:00 and must ship by 03-02 10:00 (paid + 1 day): it also breaks sla-ship-by
    assert sla == {("T13", "sla-review-30m"), ("T14", "sla-same-day-pick"), ("T14", "sla-idle-2h"),
                   ("T14", "sla-ship-by"), ("T15", "sla-idle-2h")}


def test_route_batch_writes_versions_hits_and_exceptions(triage_lake):
    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    orders = latest(triage_lake.lake_dir, "orders", ["OH-T1", "OH-T9", "OH-T10", "OH-T7"])
    assert (orders["OH-T1"]["warehouse"], orders["OH-T1"]["carrier"]) == ("Suzhou", "SF")
    assert orders["OH-T9"]["is_urgent"] is True and orders["OH-T10"]["is_vip"] is True
    assert orders["OH-T7"]["warehouse"] is None
    db = connect(triage_lake)
    versions = db.con.execute("select count(*) from lake_orders where order_id = 'OH-T1'").fetchone()[0]
    assert versions == 2  # the ingested one is kept; routing added a version
    why = db.con.execute("select kind, rule_id, outcome, chosen from rule_hits where order_id = 'OH-T2' "
                         "order by kind, rule_id").fetchall()
    # T2 (浙江, paid an hour ago): all three carrier rules match, the first wins; east then default routing.
    assert why == [("carrier", "carrier-cheapest", "ZTO", False), ("carrier", "carrier-jzh-sf", "SF", True),
                   ("carrier", "carrier-urgent-sf", "SF", False),
                   ("routing", "route-default", "Hefei", True), ("routing", "route-east", "Suzhou", False),
                   ("routing", "route-fallback-suzhou", "Suzhou", False)]
    types = db.con.execute("select type, count(*) from exceptions group by type order by type").fetchall()
    assert types == [("gift_missing", 1), ("manual_review", 2), ("out_of_stock", 1), ("sla_breach", 5)]


def test_routing_again_changes_nothing(triage_lake):
    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    db = connect(triage_lake)
    assert db.con.execute("select count(*) from lake_exceptions").fetchone()[0] == 9
    assert db.con.execute("select count(*) from lake_orders").fetchone()[0] == 19 + 14


def test_out_of_stock_closes_itself_when_stock_arrives(triage_lake):
    route_batch(triage_lake.lake_dir, ["OH-T6"], now=tf.NOW)
    tf.lake.write(triage_lake.lake_dir, "inventory",
                  tf.stock_rows(local(2, 12, 30), {("A", "Shanghai-Cold"): (3, 0, 0)}))
    route_batch(triage_lake.lake_dir, ["OH-T6"], now=local(2, 13))
    db = connect(triage_lake)
    rows = db.con.execute("select status, resolution_code, note from lake_exceptions where order_id = 'OH-T6' "
                          "order by updated_at").fetchall()
    assert [r[:2] for r in rows] == [("open", None), ("resolved", "auto_cleared")]
    assert rows[1][2] == ("Re-evaluated 2026-03-02T05:00+00:00: stock available, routed to Shanghai-Cold "
                          "by rule route-cold")
    assert db.con.execute("select warehouse from orders where order_id = 'OH-T6'").fetchone() == ("Shanghai-Cold",)


@pytest.mark.parametrize(("when", "message"), [
    ("amount >", "rule bad (interception): syntax error"),
    ("amout > 5", 'rule bad (interception): unknown column or function: Binder Error: Referenced column "amout"'),
    ("amount", "rule bad (interception): gives DOUBLE, not true/false"),
    ("has_sku(1, 2)", "rule bad (interception)"),
])
def test_validation_names_the_rule(when, message):
    text = f'[[rules]]\nid = "bad"\nkind = "interception"\nwhen = "{when}"\nflag = "is_vip"\n'
    with pytest.raises(RulesError) as err:
        check(text)
    assert err.value.problems[0].startswith(message), err.value.problems


@pytest.mark.parametrize(("body", "message"), [
    ('kind = "teleport"\nwhen = "true"', "kind 'teleport' is not one of"),
    ('kind = "routing"\nwhen = "true"', "a routing rule needs"),
    ('kind = "interception"\nwhen = "true"\nexception = "alien"', "exception type 'alien' is unknown"),
    ('kind = "sla"\nwhen = "true"\ncolour = "red"', "unexpected keyword argument 'colour'"),
])
def test_structural_problems_name_the_rule(body, message):
    with pytest.raises(RulesError, match=message) as err:
        config.parse(f'[[rules]]\nid = "r1"\n{body}\n')
    assert "rule 'r1'" in str(err.value)


def test_valid_examples_and_has_sku():
    rules = check('[[rules]]\nid = "s"\nkind = "interception"\nwhen = "has_sku(\'A\') and line_count > 1"\n'
                  'flag = "is_vip"\n')
    assert [r.id for r in rules.rules] == ["s"]


def test_a_broken_saved_file_leaves_the_last_good_rules_in_force(triage_lake):
    good = config.SHIPPED_DEFAULT.read_text(encoding="utf-8")
    config.save_text(triage_lake, good.replace('id = "int-vip"', 'id = "int-vip-2"'))
    config.save_text(triage_lake, good.replace("amount > 500", "amount >>> 500"))  # broken, written by hand
    rules = active_rules(triage_lake)
    assert "int-vip-2" in rules.by_id()
    assert len(config.history(triage_lake)) == 2
