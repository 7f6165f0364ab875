"""DingTalk (加签) and Feishu (签名校验) robots, checked by a local receiver that verifies each signature as
the platforms document it (tests/reports/robots.py), and alerts routed to the group on duty.

Routing by hand on the hand-made lake: at 09:30 on 03-02 the capacity spike is hub-wide → every robot that
takes capacity alerts (Chengdu, Suzhou), not the Shopee team (failed/paused only). At 23:00 exception X2
(order OH-D: jd, warehouse Chengdu) is past due → 'sla:overdue' reaches Chengdu only.
"""

from __future__ import annotations

import pytest

from models.settings import ConfigError
from reports import alerts
from reports.config import load_email_config
from tests.handmade import add_rush_hour, local
from tests.reports.conftest import write_email_config
from tests.reports.robots import FEISHU_BAD, robot_server

SECRETS = {"tok-chengdu-0001": "SECa1b2c3d4e5f6+/=chengdu", "tok-suzhou-0002": "feishu-secret-suzhou-xyz",
           "tok-shopee-0003": "SECshopee-team-secret"}
CONFIG = """
[alerts]
overdue_threshold = 0
[[webhooks]]
name = "chengdu-duty"
preset = "dingtalk"
url_env = "HOOK_CHENGDU"
secret_env = "HOOK_CHENGDU_SECRET"
warehouses = ["Chengdu"]
mention = ["13800001111"]
[[webhooks]]
name = "suzhou-duty"
preset = "feishu"
url_env = "HOOK_SUZHOU"
secret_env = "HOOK_SUZHOU_SECRET"
warehouses = ["Suzhou"]
[[webhooks]]
name = "shopee-team"
preset = "dingtalk"
url_env = "HOOK_SHOPEE"
secret_env = "HOOK_SHOPEE_SECRET"
kinds = ["failed", "paused"]
channels = ["shopee"]
"""


@pytest.fixture
def robots(handmade_lake, monkeypatch):
    add_rush_hour(handmade_lake.lake_dir)
    write_email_config(handmade_lake.data_dir, CONFIG)
    with robot_server(SECRETS) as server:
        for name, token in (("CHENGDU", "tok-chengdu-0001"), ("SHOPEE", "tok-shopee-0003")):
            monkeypatch.setenv(f"HOOK_{name}", f"{server.url}/robot/send?access_token={token}")
            monkeypatch.setenv(f"HOOK_{name}_SECRET", SECRETS[token])
        monkeypatch.setenv("HOOK_SUZHOU", f"{server.url}/open-apis/bot/v2/hook/tok-suzhou-0002")
        monkeypatch.setenv("HOOK_SUZHOU_SECRET", SECRETS["tok-suzhou-0002"])
        yield handmade_lake, server


def test_signed_robots_accept_and_alerts_reach_the_group_on_duty(robots):
    settings, server = robots
    spike = alerts.check_and_deliver(settings, now=local(2, 9, 30))
    assert spike.deliveries == {"capacity:2026-03-02T09 → chengdu-duty": "delivered",
                                "capacity:2026-03-02T09 → suzhou-duty": "delivered"}
    ding, = server.accepted["tok-chengdu-0001"]
    assert ding["at"] == {"atMobiles": ["13800001111"], "isAtAll": False}
    assert ding["markdown"]["text"].endswith("@13800001111")  # DingTalk only notifies a mobile written in the text
    feishu, = server.accepted["tok-suzhou-0002"]
    assert feishu["msg_type"] == "post" and {"timestamp", "sign"} <= set(feishu)
    assert feishu["content"]["post"]["zh_cn"]["title"] == "OrderHub: Capacity spike"
    overdue = alerts.check_and_deliver(settings, now=local(2, 23, 0))
    assert overdue.raised == ["sla:overdue"]
    assert overdue.deliveries == {"sla:overdue → chengdu-duty": "delivered"}  # X2's order ships from Chengdu
    assert "tok-shopee-0003" not in server.accepted and not server.refused


def test_wrong_secret_is_refused_with_the_platform_error_and_never_logged(robots, monkeypatch):
    settings, server = robots
    monkeypatch.setenv("HOOK_CHENGDU_SECRET", "SECnot-the-right-one")
    monkeypatch.setenv("HOOK_SUZHOU_SECRET", "not-the-right-one-either")
    result = alerts.check_and_deliver(settings, now=local(2, 9, 30))
    assert set(result.deliveries.values()) == {"failed"}
    assert len(server.refused["tok-chengdu-0001"]) == 1 and len(server.refused["tok-suzhou-0002"]) == 1  # not retried
    errors = _errors(settings)
    assert any("errcode 310000" in e for e in errors) and any("errcode 19021" in e for e in errors)
    assert not [e for e in errors if "not-the-right-one" in e or "tok-chengdu-0001" in e]


def test_a_stale_timestamp_is_refused(robots):
    settings, server = robots
    server.clock_offset_s = 3700  # the robot's clock is an hour and 100 s ahead of ours: every stamp is stale
    result = alerts.check_and_deliver(settings, now=local(2, 9, 30))
    assert set(result.deliveries.values()) == {"failed"}
    assert server.refused["tok-suzhou-0002"] and not server.accepted
    server.clock_offset_s = 3500  # within the hour: accepted on the next check
    assert set(alerts.check_and_deliver(settings, now=local(2, 9, 35)).deliveries.values()) == {"delivered"}


def test_the_receiver_refuses_an_unsigned_feishu_message(robots):
    _, server = robots
    assert server.answer("/open-apis/bot/v2/hook/tok-suzhou-0002", {"msg_type": "text"}) == FEISHU_BAD


@pytest.mark.parametrize(("extra", "message"), [
    ('kinds = ["capacity", "sal"]', "kinds ['sal'] unknown"),
    ('channels = ["shoppe"]', "channels ['shoppe'] unknown"),
    ('mention = ["ou_abc"]', "mention ['ou_abc'] are not mobile numbers"),
    ('secret_env = "SECabc+/="', "must name an environment variable"),
    ('warehouses = "Chengdu"', "warehouses must be a list"),
])
def test_routing_config_is_validated(data_dir, extra, message):
    write_email_config(data_dir, f'[[webhooks]]\nname = "x"\npreset = "dingtalk"\nurl_env = "X"\n{extra}\n')
    from models.settings import Settings

    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_email_config(Settings(data_dir=data_dir))


def _errors(settings) -> list[str]:
    from models.db import connect

    db = connect(settings)
    try:
        return [r[0] for r in db.con.execute("select error from deliveries where error is not null").fetchall()]
    finally:
        db.close()
