"""The weekly snapshot end to end: built on the hand-made lake, sent through a real SMTP server, parsed back.

Week 2026-W10 is Mon 2026-03-02 – Sun 03-08 (Asia/Shanghai). Orders placed in it: A B C D E and G (Tue 00:30
local) = 6; the week before holds only F. Figures worked out by hand from tests/handmade.py:
  GMV (paid only): A 100 + B 250 + C 20 USD × 7.1 = 142 + E 80 = ¥572.00; last week F ¥60.00 (+853.3%)
  paid→shipped hours: E 2, A 6, B 8, C 18 → median 7.0 h, p90 = 8 + 0.7 × (18 − 8) = 15.0 h; F 10 h
  on time: A, C, E of A B C E (B shipped 20:30, due 18:00) → 75.0%; F on time → 100.00%
  delivered by the promise (handmade.add_promises): A of A B (C not delivered, E no promise) → 50.0%; F → 100.00%
  accuracy: B has a wrong_item exception → 3/4 = 75.0%; manual: one action (B) of 6 orders → 16.7%
  exceptions detected in the week: X1 wrong_item (resolved), X2 payment_failed (open, due 03-02 22:00) →
  open 1, overdue 1
  capacity: Mon 09:00 holds E (1 order); of the 4 Mondays before, only 02-23 lies within the lake's history
  (F at 09:00) → baseline 1, line 2 × 1 = 2 > 1: no incident. No other hour has a baseline: none at all.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from models.settings import Settings
from reports import weekly
from tests import handmade
from tests.handmade import local
from tests.reports.conftest import smtp_env, start_smtp, write_email_config

MONDAY = date(2026, 3, 2)
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "weekly.html"
CONFIG = """
[snapshot]
roles = ["manager"]
[recipients]
manager = ["boss@example.com", "lead@example.com"]
ops = ["duty@example.com"]
"""
BY_HAND = {  # kpi: (this week, last week, change)
    "orders": ("6", "1", "+500.0%"),
    "gmv_cents": ("¥572.00", "¥60.00", "+853.3%"),
    "lead_time_median_h": ("7.0 h", "10.0 h", "-3.0 h"),
    "lead_time_p90_h": ("15.0 h", "10.0 h", "+5.0 h"),
    "on_time_rate": ("75.0%", "100.00%", "-25.00 pt"),
    "delivered_on_time_rate": ("50.0%", "100.00%", "-50.00 pt"),
    "fulfillment_accuracy": ("75.0%", "100.00%", "-25.00 pt"),
    "manual_rate": ("16.7%", "0.0%", "+16.67 pt"),
    "open_exceptions": ("1", "0", "–"),
    "overdue_exceptions": ("1", "0", "–"),
}


@pytest.fixture(scope="module")
def sent(tmp_path_factory):
    """Send W10 once over a real SMTP server; the tests below read what it received."""
    data = tmp_path_factory.mktemp("weekly")
    settings = Settings(data_dir=data)
    handmade.build(settings.lake_dir)
    handmade.add_promises(settings.lake_dir)
    write_email_config(data, CONFIG)
    controller, box = start_smtp()
    with pytest.MonkeyPatch.context() as mp:
        for key, value in smtp_env(controller).items():
            mp.setenv(key, value)
        mp.setenv("ORDERHUB_DATA", str(data))
        outcome = weekly.run(settings, MONDAY, mode="send")
    controller.stop()
    return outcome, box.parsed()


def _parts(msg):
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    return text, html


def test_each_recipient_gets_one_message(sent):
    outcome, messages = sent
    assert outcome.results == {"boss@example.com": "delivered", "lead@example.com": "delivered"}
    assert [to for to, _ in messages] == [["boss@example.com"], ["lead@example.com"]]
    assert [m["To"] for _, m in messages] == ["boss@example.com", "lead@example.com"]


def test_subject_and_both_parts(sent):
    msg = sent[1][0][1]
    assert msg["Subject"] == "OrderHub weekly snapshot 2026-W10: 6 orders, GMV ¥572.00"
    text, html = _parts(msg)
    assert "Orders placed 2026-03-02 – 2026-03-08 (Asia/Shanghai)" in text
    assert "<table" in html and "<script" not in html.lower()
    assert 'href="http://localhost:8501"' in html


def test_inline_images_are_pngs_matching_every_cid(sent):
    msg = sent[1][0][1]
    _, html = _parts(msg)
    cids = re.findall(r'src="cid:([^"]+)"', html)
    images = {part["Content-ID"].strip("<>"): part.get_content() for part in msg.walk()
              if part.get_content_type() == "image/png"}
    assert len(cids) == 4  # daily orders, lead time, exceptions, capacity
    assert set(cids) == set(images)
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000 for png in images.values())


def test_figures_worked_out_by_hand(sent):
    msg = sent[1][0][1]
    attachment = next(p for p in msg.iter_attachments() if p.get_filename() == "orderhub-kpis-2026-W10.csv")
    assert attachment.get_content_type() == "text/csv" and attachment.get_content().startswith("\ufeffweek,kpi")
    rows = {r["kpi"]: r for r in csv.DictReader(io.StringIO(attachment.get_content().removeprefix("\ufeff")))}
    assert {k: (r["this_week_shown"], r["last_week_shown"], r["change_shown"]) for k, r in rows.items()} == BY_HAND
    assert rows["gmv_cents"]["this_week"] == "57200" and rows["orders"]["last_week"] == "1"
    assert float(rows["manual_rate"]["this_week"]) == pytest.approx(1 / 6, abs=1e-6)
    assert rows["on_time_rate"]["on_target"] == "false" and rows["lead_time_median_h"]["on_target"] == "true"
    text, html = _parts(msg)
    for now, before, change in BY_HAND.values():
        assert now in html and before in html and change in html
    assert re.search(r"Paid→shipped, p90\s+–\s+15\.0 h\s+10\.0 h\s+\+5\.0 h", text)
    assert re.search(r"On-time ship rate\s+≥ 95\.0%\s+75\.0% \(off target\)\s+100\.00%\s+-25\.00 pt", text)
    assert re.search(r"Delivered by promise\s+≥ 95\.0%\s+50\.0% \(off target\)\s+100\.00%\s+-50\.00 pt", text)
    assert rows["delivered_on_time_rate"]["on_target"] == "false"


def test_causes_and_capacity_by_hand(sent):
    text, html = _parts(sent[1][0][1])
    assert re.search(r"Payment failed\s+1\s+1\s+1", text) and re.search(r"Wrong item\s+1\s+0\s+0", text)
    assert "No hour went over capacity this week." in text and "No hour went over capacity this week." in html
    assert "receiver" not in html.lower() and "13800001234" not in html  # no PII in the e-mail


def normalise(html: str) -> str:
    """Content-IDs, the generation time and SMTP's CRLF line ends change; nothing else may."""
    cids: dict[str, str] = {}
    html = html.replace("\r\n", "\n")
    html = re.sub(r"cid:[^\"]+", lambda m: cids.setdefault(m.group(0), f"cid:chart-{len(cids) + 1}"), html)
    return re.sub(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d \w+", "Generated <time>", html)


def test_html_layout_matches_golden(sent, request):
    """Regenerate after an intended change with `pytest tests/reports -k golden --update-golden`, then review."""
    _, html = _parts(sent[1][0][1])
    html = normalise(html)
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8"), "layout changed: review, then run with --update-golden"


def test_retry_sends_only_to_those_not_yet_served(handmade_lake, smtp):
    write_email_config(handmade_lake.data_dir, '[snapshot]\nroles = ["manager"]\n[recipients]\n'
                       'manager = ["a@example.com", "flaky@example.com", "c@example.com"]\n')
    smtp.refuse["flaky@example.com"] = 3  # 451 on each of the first run's three attempts
    first = weekly.run(handmade_lake, MONDAY, mode="send")
    assert first.results["flaky@example.com"].startswith("failed: flaky@example.com refused")
    assert smtp.to() == ["a@example.com", "c@example.com"]
    second = weekly.run(handmade_lake, MONDAY, mode="send")
    assert second.results == {"a@example.com": "already sent", "c@example.com": "already sent",
                              "flaky@example.com": "delivered"}
    assert smtp.to() == ["a@example.com", "c@example.com", "flaky@example.com"]
    third = weekly.run(handmade_lake, MONDAY, mode="send")
    assert set(third.results.values()) == {"already sent"} and not third.chart_seconds  # nothing rebuilt
    weekly.run(handmade_lake, MONDAY, mode="send", force=True)
    assert sorted(smtp.to()[3:]) == ["a@example.com", "c@example.com", "flaky@example.com"]


def test_without_smtp_the_scheduled_job_writes_the_outbox_once(handmade_lake, monkeypatch):
    monkeypatch.delenv("ORDERHUB_SMTP_HOST", raising=False)
    outcome = weekly.scheduled_job(handmade_lake, now=local(9, 9, 0))  # Monday 03-09 09:00: W10 is last week
    eml = handmade_lake.data_dir / "outbox" / "weekly-2026-W10.eml"
    assert outcome.week == "2026-W10" and outcome.results == {"outbox": "written"}
    assert eml.read_bytes().startswith(b"Subject: OrderHub weekly snapshot 2026-W10")
    page = (handmade_lake.data_dir / "outbox" / "weekly-2026-W10.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 4 and "cid:" not in page
    again = weekly.scheduled_job(handmade_lake, now=local(9, 10, 0))
    assert again.results == {"outbox": "already sent"} and not again.chart_seconds


def test_week_arguments():
    assert weekly.parse_week("2026-W10") == MONDAY and weekly.week_name(MONDAY) == "2026-W10"
    assert weekly.last_complete_week(Settings(), now=local(8, 23, 59)) == date(2026, 2, 23)  # Sunday: W10 not over
    with pytest.raises(ValueError, match="ISO week like 2026-W10"):
        weekly.parse_week("March")


def test_no_browser_is_a_clear_error_not_a_hang(handmade_lake, tmp_path):
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "reports.weekly", "--week", "2026-W10", "--preview", str(tmp_path / "x.html")],
        capture_output=True, text=True, timeout=120,
        env={"ORDERHUB_DATA": str(handmade_lake.data_dir), "BROWSER_PATH": "/nonexistent/chromium",
             "PATH": str(tmp_path)},
    )
    assert out.returncode == 2, out.stderr
    assert "No browser to render e-mail charts (looked for /nonexistent/chromium)" in out.stderr
    assert "apt-get install chromium" in out.stderr
    assert time.monotonic() - started < 60
