"""Exceptions that are right and explain themselves, and the duty banner's figures (issue #16 items 1, 2).

Hand-made sequences through the real rules engine (tests/duty_fixture.py) and the demo history: every
value asserted here is worked out in the fixture's docstring or below, not read back from the code.
"""

from __future__ import annotations

import shutil
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models import lake
from models.access import Access, AccessDenied
from models.alert_acks import AlreadyAcknowledged
from models.auth import User
from models.db import connect
from models.duty import acknowledge, duty
from models.rule_names import BUILT_IN, rule_name
from models.rules.apply import route_batch
from models.rules.config import SHIPPED_DEFAULT
from models.settings import Settings
from tests import duty_fixture
from tests.handmade import local

NOW = datetime(2026, 12, 2, tzinfo=UTC)  # long after the hand-made day: every past due time is overdue
SHIPPED_RULES = {r["id"]: r for r in tomllib.loads(Path(SHIPPED_DEFAULT).read_text())["rules"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture lake, built once (two rule evaluations); each test works on its own copy."""
    root = tmp_path_factory.mktemp("duty")
    duty_fixture.build(Settings(data_dir=root).lake_dir)
    return root


@pytest.fixture
def settings(built: Path, tmp_path: Path) -> Settings:
    shutil.copytree(built, tmp_path / "data")
    return Settings(data_dir=tmp_path / "data")


def current(settings: Settings, sql: str) -> list[tuple]:
    db = connect(settings)
    try:
        return db.con.execute(sql).fetchall()
    finally:
        db.close()


def test_a_breach_names_its_rule_and_the_values_it_read_then_closes_when_the_order_ships(settings):
    rows = {o: (s, c, w) for o, s, c, w in current(
        settings, "select order_id, status, resolution_code, why from exceptions where type = 'sla_breach'")}
    # 13:00 local = 05:00 UTC, ship-by 12:00 local = 04:00 UTC; S2 was allocated, never shipped
    assert rows["OH-S2"] == ("open", None, "status=allocated, now_at=2026-03-02 05:00, ship_by_at=2026-03-02 04:00")
    # S1 shipped at 14:00 local; the 14:10 local (06:10 UTC) evaluation closed it and says what it saw
    assert rows["OH-S1"] == ("resolved", "auto_cleared",
                             "status=shipped, now_at=2026-03-02 06:10, ship_by_at=2026-03-02 04:00")
    hits = current(settings, "select rule_id, detail from rule_hits where order_id = 'OH-S1'")
    assert hits == [("sla-ship-by", "status=allocated, now_at=2026-03-02 05:00, ship_by_at=2026-03-02 04:00")]


def test_an_order_completed_later_closes_its_breach(settings):
    lake.write(settings.lake_dir, "order_events", duty_fixture._events(
        "S2", ("picked", local(3, 9)), ("packed", local(3, 9, 30)), ("shipped", local(3, 10)),
        ("delivered", local(4, 15)), ("completed", local(5, 9))))
    route_batch(settings.lake_dir, ["OH-S2"], now=local(6, 9))
    assert current(settings, "select status, resolution_code from exceptions where order_id = 'OH-S2'") == [
        ("resolved", "auto_cleared")]


def test_every_rule_is_named_as_the_rules_page_names_it():
    rules = {"sla-ship-by": type("R", (), {"description": lambda self, lang: {"en": "E", "zh": "中"}[lang]})()}
    assert rule_name("sla-ship-by", "rules", rules, "en") == "sla-ship-by · E"
    assert rule_name("sla-ship-by", "rules", rules, "zh") == "sla-ship-by · 中"
    assert rule_name("routing-stock", "rules", {}, "en").startswith("routing-stock · No warehouse")
    assert rule_name(None, "ingest", {}, "en") == "No rule: raised by Import"
    assert rule_name("R-SLA-02", "oms", {}, "en") == "R-SLA-02 (no longer in the rule set)"
    assert "sla-ship-by" in SHIPPED_RULES  # the ship-by SLA the demo's breaches name is on the Rules page


def test_the_demo_history_has_no_open_breach_on_a_shipped_order_and_only_real_rule_ids(demo_settings):
    stuck = current(demo_settings, """
        select e.exception_id from exceptions e join order_facts o using (order_id)
        where e.type = 'sla_breach' and e.status in ('open', 'in_progress')
          and (o.shipped_at <= e.detected_at or o.shipped_at < e.updated_at)""")
    assert stuck == []
    ids = {r[0] for r in current(demo_settings, "select distinct rule_id from exceptions where rule_id is not null")}
    assert ids and ids <= set(SHIPPED_RULES) | set(BUILT_IN)
    backwards = current(demo_settings, """
        select exception_id from lake_exceptions group by exception_id
        having arg_max(status, updated_at) in ('open', 'in_progress')
           and bool_or(status in ('resolved', 'dismissed'))""")
    assert backwards == []  # no exception is open again after its own close
    unexplained = current(demo_settings, """
        select count(*) from exceptions e where e.source = 'rules'
          and not exists (select 1 from rule_hits h where h.order_id = e.order_id and h.rule_id = e.rule_id)""")
    assert unexplained == [(0,)]  # "Rules that fired" is never empty beside a rules-raised exception


def test_the_banner_counts_what_the_queue_would_in_each_access(settings):
    everyone = duty(connect(settings), Access(), NOW)
    assert (everyone.open, everyone.overdue, everyone.new_alerts) == (3, 2, 2)
    assert {a["alert_id"] for a in everyone.alerts} == {"AL-FAIL", "AL-CAP"}
    suzhou = duty(connect(settings), Access(warehouses=("Suzhou",)), NOW)
    assert (suzhou.open, suzhou.overdue, suzhou.new_alerts) == (2, 1, 1)
    jd_only = duty(connect(settings), Access(channels=("jd",)), NOW)
    assert (jd_only.open, jd_only.overdue, jd_only.new_alerts) == (1, 1, 1)  # X2 on OH-D; AL-FAIL is jd's


def test_an_alert_is_acknowledged_once_and_only_by_someone_it_concerns(settings):
    scoped = User("ops.suzhou", "ops", Access(warehouses=("Suzhou",)))
    with pytest.raises(AccessDenied):
        acknowledge(settings, scoped, "AL-CAP")  # a whole-operation alert, outside a warehouse's scope
    with pytest.raises(PermissionError):
        acknowledge(settings, User("v", "viewer"), "AL-CAP")
    acknowledge(settings, User("boss", "admin"), "AL-CAP")
    assert duty(connect(settings), Access(), NOW).new_alerts == 1
    with pytest.raises(AlreadyAcknowledged):
        acknowledge(settings, User("boss2", "admin"), "AL-CAP")
