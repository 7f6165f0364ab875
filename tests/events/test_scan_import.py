"""Scan logs through the event intake: accepted, duplicated, unmatched and malformed rows (CSV and XLSX)."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.files.profile import ProfileError
from ingest.files.scans import import_scans, load_scan_profile
from models.db import connect
from models.settings import Settings
from models.versions import latest
from tests.events.helpers import write_orders

ROOT = Path(__file__).resolve().parents[2]
LOG, PROFILE = ROOT / "tests/fixtures/files/wms_scans.csv", ROOT / "docs/profiles/wms-scans.toml"
NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def utc(h: int, m: int) -> datetime:
    return datetime(2026, 3, 2, h, m, tzinfo=UTC)


# Read off the fixture by hand: Shanghai times minus eight hours; S-0003 twice; S-0006 by tracking number.
EXPECTED = {("S-0001", "OH-T1", "picked", utc(2, 5)), ("S-0002", "OH-T1", "packed", utc(2, 20)),
            ("S-0003", "OH-T1", "shipped", utc(3, 0)), ("S-0004", "OH-T2", "picked", utc(2, 7)),
            ("S-0006", "OH-T3", "shipped", utc(4, 0))}


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    s = Settings(data_dir=data_dir)
    write_orders(s.lake_dir, 1, 2)
    write_orders(s.lake_dir, 3, tracking_no="SF2000000002")
    return s


def _events(settings: Settings) -> set[tuple]:
    db = connect(settings)
    try:
        return set(db.con.execute("select source_event_id, order_id, event, occurred_at from lake_order_events "
                                  "where source = 'wms'").fetchall())
    finally:
        db.close()


def _inbox(settings: Settings) -> list[tuple]:
    db = connect(settings)
    try:
        return db.con.execute("select source_event_id, ref, state from lake_event_inbox").fetchall()
    finally:
        db.close()


@pytest.mark.parametrize("chunk_rows", [1, 100_000])  # one row a chunk: each stored on its own, as in a huge log
def test_rows_are_stored_once_matched_kept_or_rejected_with_the_reason(settings, chunk_rows):
    result = import_scans(LOG, load_scan_profile(PROFILE), settings, now=NOW, chunk_rows=chunk_rows)

    assert (result.rows, result.stored, result.unmatched, result.duplicates, result.rejected_rows) == (11, 5, 1, 1, 4)
    assert _events(settings) == EXPECTED
    assert _inbox(settings) == [("S-0005", "P404", "pending")]  # kept for when its order arrives
    assert latest(settings.lake_dir, "orders", ["OH-T1"])["OH-T1"]["tracking_no"] == "SF1000000001"
    with open(result.reject_file, encoding="utf-8-sig", newline="") as fh:
        rejects = [(int(r[0]), r[1], r[2]) for r in list(csv.reader(fh))[1:]]
    assert rejects == [(9, "P2", "id (扫描流水号)"), (10, "P2", "occurred_at (扫描时间)"),
                       (11, "P2", "event (环节)"), (12, "", "no order reference")]

    again = import_scans(LOG, load_scan_profile(PROFILE), settings, now=NOW)
    assert (again.stored, again.unmatched, again.duplicates) == (0, 0, 7)  # every valid row seen before
    assert _events(settings) == EXPECTED and len(_inbox(settings)) == 1


def test_an_xlsx_log_with_real_date_cells_lands_the_same_events(settings, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    with open(LOG, encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.reader(fh)):
            if n in (1, 2, 3, 5, 7):
                row[2] = datetime.strptime(row[2], "%Y-%m-%d %H:%M:%S")  # an Excel date cell, local time
            book.active.append(row)
    path = tmp_path / "scans.xlsx"
    book.save(path)
    assert import_scans(path, load_scan_profile(PROFILE), settings, now=NOW).stored == 5
    assert _events(settings) == EXPECTED


def test_the_import_command_reads_a_scan_profile_and_exits_1_with_rejects(settings):
    done = subprocess.run([sys.executable, "-m", "ingest", "import", str(LOG), "--profile", str(PROFILE),
                           "--data", str(settings.data_dir)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "stored 5 event(s) from 11 row(s)" in done.stdout and "4 row(s) rejected" in done.stderr
    assert {e[0] for e in _events(settings)} == {e[0] for e in EXPECTED}


def test_a_profile_without_an_order_reference_is_refused_naming_the_section(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[source]\nkind = "scans"\n[columns]\nid = "a"\nevent = "b"\noccurred_at = "c"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"\[columns\] needs one of order_id"):
        load_scan_profile(bad)
