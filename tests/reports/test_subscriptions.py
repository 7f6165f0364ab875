"""E-mail subscriptions to a page's figures (issue #16 item 8), sent over a real SMTP server on localhost.

By hand, on the hand-made lake: Shopee's orders placed on Mon 2026-03-02 are A (10:00) and C (18:00) → 2 orders;
paid→shipped A 6 h, C 18 h → median 12.0 h, p90 = 6 + 0.9 × (18 − 6) = 16.8 h. On 03-03 at 09:00 local the
daily subscription's last complete day is 03-02; it is sent once, and 03-03 goes out the day after.
"""

from __future__ import annotations

from models import saved_views as sv
from models.db import connect
from reports import subscriptions
from tests.handmade import local


def test_a_daily_subscription_sends_yesterdays_figures_once(handmade_lake, smtp):
    sub = sv.subscribe(handmade_lake, "li.ops", "li@example.com", "pages/overview.py", "channel=shopee", "daily",
                       "en")
    assert subscriptions.send_due(handmade_lake, now=local(3, 9)) == {f"{sub.id}:2026-03-02": "delivered"}
    (to, msg), = smtp.parsed()
    assert to == ["li@example.com"] and msg["Subject"] == "[OrderHub] Overview: 2026-03-02"
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Orders: 2\nGMV: ¥242.00\n" in text  # A ¥100 + C US$20 × 7.1 (settings' default rate) = ¥242
    assert "Paid→shipped, median: 12.0 h\n" in text and "Paid→shipped, p90: 16.8 h\n" in text
    assert "http://localhost:8501/overview?channel=shopee" in text
    assert subscriptions.send_due(handmade_lake, now=local(3, 10)) == {}  # the same period: nothing again
    assert list(subscriptions.send_due(handmade_lake, now=local(4, 9))) == [f"{sub.id}:2026-03-03"]
    assert len(smtp.messages) == 2
    db = connect(handmade_lake)
    rows = db.con.execute("select ref, outcome from deliveries where kind = 'subscription' order by ref").fetchall()
    db.close()
    assert rows == [(f"{sub.id}:2026-03-02", "delivered"), (f"{sub.id}:2026-03-03", "delivered")]


def test_a_weekly_subscription_in_chinese_and_unsubscribing(handmade_lake, smtp):
    sub = sv.subscribe(handmade_lake, "wang.mgr", "wang@example.com", "pages/flow.py", "", "weekly", "zh")
    assert subscriptions.send_due(handmade_lake, now=local(9, 9)) == {f"{sub.id}:2026-W10": "delivered"}
    (_, msg), = smtp.parsed()
    assert msg["Subject"] == "[OrderHub] 流程效率：2026-W10"
    assert "订单数: 6\r\n" in msg.get_body(("plain",)).get_content()  # week 10 (03-02…03-08): A–E and G (03-03)
    sv.unsubscribe(handmade_lake, "someone.else", sub.id)  # not theirs: kept
    assert sv.subscriptions(handmade_lake, "wang.mgr") == [sub]
    sv.unsubscribe(handmade_lake, "wang.mgr", sub.id)
    assert sv.subscriptions(handmade_lake) == []


def test_saved_views_are_per_user_and_open_as_a_link(data_dir):
    from models.settings import Settings

    settings = Settings(data_dir=data_dir)
    sv.save_view(settings, "li.ops", "Shopee week", "pages/explore.py", "from=2026-03-02&to=2026-03-08&channel=shopee")
    assert sv.views(settings, "li.ops") == {"Shopee week": {"page": "pages/explore.py",
                                                            "query": "from=2026-03-02&to=2026-03-08&channel=shopee"}}
    assert sv.views(settings, "wang.mgr") == {}
    assert sv.view_url("http://hub:8501/", "pages/explore.py", "channel=shopee") == \
        "http://hub:8501/explore?channel=shopee"
    sv.delete_view(settings, "li.ops", "Shopee week")
    assert sv.views(settings, "li.ops") == {}
