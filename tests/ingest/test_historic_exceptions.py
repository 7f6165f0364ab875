"""Item 6: exceptions raised while importing old orders are dated by the orders' own time.

Last year's Taobao export, imported today, with one status no map knows: the exception KPI over last year
shows it (detected_at = the order's time), and ingested_at still says when it was imported.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from ingest.files.importer import import_file
from ingest.files.profile import load_profile
from models import kpis
from models.db import connect
from models.settings import Settings
from models.versions import latest

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def test_last_years_unmapped_status_shows_in_last_years_exceptions(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    fixture = (ROOT / "tests/fixtures/files/taobao_orders.csv").read_text(encoding="utf-8-sig").splitlines()
    header, row = fixture[0], fixture[1].split(",")
    row[4], row[9], row[10] = "神秘的新状态", "2025-03-01 10:15:30", "2025-03-01 10:16:02"
    path = tmp_path / "2025.csv"
    path.write_text(header + "\n" + ",".join(row) + "\n", encoding="utf-8-sig")
    import_file(path, load_profile(ROOT / "docs/profiles/taobao-orders.toml"), settings.lake_dir, now=NOW)
    db = connect(settings)
    try:
        last_year = kpis.run(db, "exceptions_by_type", kpis.Scope(date(2025, 1, 1), date(2025, 12, 31)))
        this_year = kpis.run(db, "exceptions_by_type", kpis.Scope(date(2026, 1, 1), date(2026, 12, 31)))
        [exception_id] = [r[0] for r in db.con.execute("select exception_id from exceptions").fetchall()]
    finally:
        db.close()
    assert last_year[["type", "raised"]].to_dict("records") == [{"type": "unmapped_status", "raised": 1}]
    assert this_year.empty
    row = latest(settings.lake_dir, "exceptions", [exception_id])[exception_id]
    assert row["detected_at"] == datetime(2025, 3, 1, 2, 16, 2, tzinfo=UTC)  # paid 10:16:02 Asia/Shanghai
    assert row["ingested_at"] == NOW
