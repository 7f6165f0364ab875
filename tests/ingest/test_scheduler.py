"""The scheduler's guarantees: failures are contained, missed runs caught up, state kept, SIGTERM honoured."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import schedule

from ingest.scheduler import Runner, build, missed, register_job, registered_jobs
from ingest.state import Watermarks, read_json
from models.facts_mart import mart_dir, read_manifest

ROOT = Path(__file__).resolve().parents[2]


def test_a_failing_job_is_logged_and_recorded_not_raised(settings) -> None:
    runner = Runner(settings)
    assert runner.run("boom", lambda: 1 / 0) is False
    assert runner.run("fine", lambda: None) is True
    jobs = read_json(settings.data_dir / "state" / "jobs.json")
    assert "last_failure" in jobs["boom"] and "last_success" not in jobs["boom"]
    assert runner.last_run("fine") is not None and runner.last_run("boom") is None


def test_serve_keeps_the_facts_mart_fresh_every_minute(handmade_lake) -> None:
    jobs = build(handmade_lake, schedule.Scheduler(), Runner(handmade_lake))
    assert jobs["marts"].interval == 1 and jobs["marts"].unit == "minutes"
    assert read_manifest(mart_dir(handmade_lake)) is None
    jobs["marts"].run()
    manifest = read_manifest(mart_dir(handmade_lake))
    assert manifest is not None and manifest.rows == 7  # the hand-made lake's seven orders


def test_missed_runs_are_detected_for_interval_and_daily_jobs() -> None:
    s = schedule.Scheduler()
    now = datetime.now(UTC)
    every = s.every(10).minutes.do(lambda: None)
    assert missed(every, None, now)
    assert missed(every, now - timedelta(minutes=11), now)
    assert not missed(every, now - timedelta(minutes=3), now)
    daily = s.every().day.at("03:30").do(lambda: None)
    previous_due = daily.next_run.astimezone(UTC) - timedelta(days=1)
    assert missed(daily, previous_due - timedelta(hours=1), now)
    assert not missed(daily, previous_due + timedelta(minutes=1), now)


def test_register_job_adds_to_every_serve() -> None:
    register_job("test_noop", lambda s: s.every(5).minutes, lambda: None)
    assert "test_noop" in registered_jobs()


def test_watermark_window_starts_overlap_before_the_mark(settings) -> None:
    marks = Watermarks(settings.data_dir)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert marks.window_start(
        "shopee", "1", now, timedelta(minutes=10), timedelta(days=30)
    ) == now - timedelta(days=30)
    marks.set("shopee", "1", now, "run-1")
    assert marks.window_start(
        "shopee", "1", now, timedelta(minutes=10), timedelta(days=30)
    ) == now - timedelta(minutes=10)
    assert not list((settings.data_dir / "state").glob(".watermarks.json.*"))  # no temp file left behind


def test_serve_catches_up_then_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "config").mkdir(parents=True)
    (data / "config" / "channels.toml").write_text("", encoding="utf-8")  # no channels: compaction only
    env = {**os.environ, "ORDERHUB_DATA": str(data), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "compact" not in read_json(data / "state" / "jobs.json"):
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err.decode()[-1500:]
    assert "last_success" in read_json(data / "state" / "jobs.json")["compact"]  # caught up on start
    assert b"scheduler stopped" in err
