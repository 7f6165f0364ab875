"""Replay: an edited rule set over the fixture's history, diffed against the saved one (worked by hand)."""

from __future__ import annotations

from models.db import connect
from models.rules import config
from models.rules.__main__ import main
from models.rules.replay import replay
from models.rules.store import check
from tests import triage_fixture as tf

SAVED = config.SHIPPED_DEFAULT.read_text(encoding="utf-8")


def test_replay_shows_reroutes_and_exception_changes(triage_lake):
    # Edit: West China ships from Hefei instead of Chengdu, and VIP/gift threshold 599 → 800.
    edited = SAVED.replace('warehouse = "Chengdu"', 'warehouse = "Hefei"').replace("amount >= 599", "amount >= 800")
    diff = replay(connect(triage_lake), check(SAVED), check(edited), days=40, now=tf.NOW)
    # Chengdu never had stock for T3 (west), so west orders already went to Hefei: no re-route from that.
    # R1–R4 (广东, completed, replayed as if unrouted) and T-orders keep their routes too.
    assert diff.changed.empty
    assert list(diff.exceptions_removed["order_id"]) == ["OH-T10"]  # 650 < 800: no gift check any more
    assert diff.exceptions_added.empty
    assert diff.orders == 18  # T1–T15 and R1–R3 placed within 40 days (since 01-21); R4 (01-05) is older


def test_replay_counts_per_warehouse_and_carrier(triage_lake):
    edited = SAVED.replace('when = "receiver_province in (\'江苏\', \'浙江\', \'上海\')"', 'when = "false"')
    diff = replay(connect(triage_lake), check(SAVED), check(edited), days=1, now=tf.NOW)
    # Without the 江浙沪 → SF rule: T1, T2, T13, T14 (paid ≤ 2 h ago) stay SF via the urgent rule, T5 and T6
    # too (paid 11:00); T14 (paid yesterday) and T15 (east 0.5 kg) go to the cheapest, ZTO at 5.00.
    assert sorted(diff.changed["order_id"]) == ["OH-T15"]
    assert diff.by_dimension("carrier").to_dict("records") == [
        {"carrier": "SF", "before": 1, "after": 0, "change": -1},
        {"carrier": "ZTO", "before": 0, "after": 1, "change": 1}]


def test_cli_validate_and_replay(triage_lake, tmp_path, capsys):
    assert main(["validate"]) == 0
    assert "rules valid" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(SAVED.replace("amount > 500", "amount > "), encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    assert "error: rule int-vip (interception): syntax error" in capsys.readouterr().err
    good = tmp_path / "good.toml"
    good.write_text(SAVED, encoding="utf-8")
    assert main(["replay", "--days", "3", str(good)]) == 0
    assert "re-routed" in capsys.readouterr().out
