"""Alerts on the hand-made lake, delivered to a real SMTP server and a real HTTP receiver on localhost.

Capacity by hand: the fixture adds two orders at Mon 2026-03-02 09:10 and 09:20 local, so that hour holds 3 (with
E); of the 4 Mondays before, only 02-23 lies within the lake's history (F at 09:00) → baseline 1, capacity line
2 × 1 = 2 < 3 → alert 'capacity:2026-03-02T09'.
At 09:30 that hour is current; by 23:00 it is older than 3 hours and the alert clears.
Overdue by hand: X2 (payment_failed, open) was due 03-02 22:00, so at 23:00 one exception is overdue.
"""

from __future__ import annotations

import json

import pytest

from models import lake
from models.db import connect
from reports import alerts, webhooks
from tests.handmade import add_rush_hour, local
from tests.reports.conftest import write_email_config

CONFIG = """
[alerts]
email_roles = ["ops"]
overdue_threshold = {threshold}
rate_limit_per_hour = {rate}
[recipients]
ops = ["duty@example.com"]
[[webhooks]]
name = "wecom"
preset = "wecom"
url_env = "HOOK_WECOM"
[[webhooks]]
name = "dingtalk"
preset = "dingtalk"
url_env = "HOOK_DINGTALK"
[[webhooks]]
name = "slack"
preset = "slack"
url_env = "HOOK_SLACK"
[[webhooks]]
name = "generic"
preset = "json"
url_env = "HOOK_JSON"
"""


@pytest.fixture
def wired(handmade_lake, smtp, webhook_server, monkeypatch):
    add_rush_hour(handmade_lake.lake_dir)
    for name in ("wecom", "dingtalk", "slack", "json"):
        monkeypatch.setenv(f"HOOK_{name.upper()}", f"{webhook_server.url}/{name}")
    write_email_config(handmade_lake.data_dir, CONFIG.format(threshold=0, rate=6))
    return handmade_lake, smtp, webhook_server


def test_capacity_alert_reaches_every_target_once(wired):
    settings, box, hooks = wired
    result = alerts.check_and_deliver(settings, now=local(2, 9, 30))
    assert result.raised == ["capacity:2026-03-02T09"]
    assert set(result.deliveries.values()) == {"delivered"} and len(result.deliveries) == 5
    text = "2026-03-02 09:00: 3 orders, over the capacity line of 2.0 (2× the 4-week mean)."
    assert hooks.bodies["/wecom"] == [{"msgtype": "markdown", "markdown": {
        "content": f"### OrderHub: Capacity spike\n{text}\n[Open the console](http://localhost:8501)"}}]
    assert hooks.bodies["/dingtalk"] == [{"msgtype": "markdown", "markdown": {
        "title": "OrderHub: Capacity spike",
        "text": f"### OrderHub: Capacity spike\n\n{text}\n\n[Open the console](http://localhost:8501)"}}]
    slack = f"*OrderHub: Capacity spike*\n{text}\n<http://localhost:8501|Open the console>"
    assert hooks.bodies["/slack"] == [{"text": slack}]
    generic = hooks.bodies["/json"][0]
    assert (generic["source"], generic["kind"], generic["key"], generic["text"]) == (
        "orderhub", "capacity", "capacity:2026-03-02T09", text)
    (to, msg), = box.parsed()
    assert to == ["duty@example.com"] and msg["Subject"] == "[OrderHub alert] Capacity spike"
    assert text in msg.get_content()
    again = alerts.check_and_deliver(settings, now=local(2, 9, 40))  # same condition: nothing new
    assert again.raised == [] and again.deliveries == {} and len(box.messages) == 1


def test_alert_clears_and_another_fires(wired):
    settings, _, hooks = wired
    alerts.check_and_deliver(settings, now=local(2, 9, 30))
    later = alerts.check_and_deliver(settings, now=local(2, 23, 0))
    assert later.cleared == ["capacity:2026-03-02T09"] and later.raised == ["sla:overdue"]
    assert "Open exceptions past due: 1 (alert above 0); the oldest was due 2026-03-02 22:00 CST." in \
        hooks.bodies["/slack"][-1]["text"]
    db = connect(settings)
    rows = db.con.execute("select condition_key, cleared_at is not null from alerts order by raised_at").fetchall()
    assert rows == [("capacity:2026-03-02T09", True), ("sla:overdue", False)]


def test_failed_webhook_is_recorded_and_retried_next_check(wired):
    settings, _, hooks = wired
    hooks.status["/slack"] = 503
    first = alerts.check_and_deliver(settings, now=local(2, 9, 30))
    assert first.deliveries["capacity:2026-03-02T09 → slack"] == "failed"
    assert len(hooks.bodies["/slack"]) == 3  # three attempts with back-off
    hooks.status["/slack"] = 200
    second = alerts.check_and_deliver(settings, now=local(2, 9, 35))
    assert second.deliveries == {"capacity:2026-03-02T09 → slack": "delivered"}  # only the one that failed
    db = connect(settings)
    outcomes = db.con.execute("select outcome, attempts, coalesce(error like '%HTTP 503%', false) from deliveries "
                              "where target = 'slack' order by occurred_at").fetchall()
    assert outcomes == [("failed", 3, True), ("delivered", 1, False)]


def test_rate_limit_per_target_per_hour(wired):
    settings, _, hooks = wired
    write_email_config(settings.data_dir, CONFIG.format(threshold=0, rate=1))
    alerts.check_and_deliver(settings, now=local(2, 9, 30))  # capacity: one message per target
    assert alerts.check_and_deliver(settings, now=local(2, 10, 0)).deliveries == {}  # already delivered
    (settings.data_dir / "state").mkdir(exist_ok=True)
    (settings.data_dir / "state" / "paused.json").write_text(json.dumps(
        {"shopee/s1": {"since": "2026-03-02T01:50:00+00:00", "reason": "3 failed pulls", "run_id": "R1"}}))
    held = alerts.check_and_deliver(settings, now=local(2, 10, 10))
    assert held.raised == ["paused:shopee/s1"] and set(held.deliveries.values()) == {"rate_limited"}
    sent = alerts.check_and_deliver(settings, now=local(2, 10, 31))  # the 09:30 message left the hour window
    assert set(sent.deliveries.values()) == {"delivered"}
    assert "shopee/s1 stopped pulling orders: 3 failed pulls." in hooks.bodies["/wecom"][-1]["markdown"]["content"]


def test_failed_ingest_run_alerts_until_the_next_good_run(handmade_lake, webhook_server, monkeypatch):
    monkeypatch.setenv("HOOK_SLACK", f"{webhook_server.url}/slack")
    write_email_config(handmade_lake.data_dir, CONFIG.format(threshold=10, rate=6))
    run = {"run_id": "R1", "channel": "jd", "shop_id": "j1", "started_at": local(2, 13), "outcome": "failed",
           "error": "HTTP 401 from jd: token expired"}
    lake.write(handmade_lake.lake_dir, "channel_runs", [run])
    first = alerts.check_and_deliver(handmade_lake, now=local(2, 13, 5))  # 13:00 onwards: the 09:00 spike is history
    assert first.raised == ["failed:jd/j1"]
    assert "The latest pull of jd/j1 failed: HTTP 401 from jd: token expired." in \
        webhook_server.bodies["/slack"][0]["text"]
    lake.write(handmade_lake.lake_dir, "channel_runs", [{**run, "run_id": "R2", "started_at": local(2, 13, 10),
                                                         "outcome": "ok", "error": None}])
    assert alerts.check_and_deliver(handmade_lake, now=local(2, 13, 15)).cleared == ["failed:jd/j1"]


def test_presets_follow_each_documented_format():
    alert = {"kind": "sla", "key": "sla:overdue", "title": "T", "text": "body", "url": "http://x", "raised_at": "t"}
    assert set(webhooks.payload("wecom", alert)) == {"msgtype", "markdown"}
    assert set(webhooks.payload("wecom", alert)["markdown"]) == {"content"}
    assert set(webhooks.payload("dingtalk", alert)["markdown"]) == {"title", "text"}
    assert set(webhooks.payload("slack", alert)) == {"text"}
    assert "打开控制台" in webhooks.payload("slack", alert, "zh")["text"]
