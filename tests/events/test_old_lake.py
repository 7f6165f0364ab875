"""A lake written before order_events had its intake columns stays readable, and compacts."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from models import lake
from models.db import connect
from models.settings import Settings
from tests.events.helpers import T0, write_orders

OLD = pa.schema([("event_id", pa.string()), ("order_id", pa.string()), ("event", pa.string()),
                 ("source", pa.string()), ("actor", pa.string()), ("occurred_at", pa.timestamp("us", tz="UTC")),
                 ("detail", pa.string()), ("ingested_at", pa.timestamp("us", tz="UTC")), ("batch_id", pa.string())])


def _old_file(settings: Settings, name: str, event: str) -> None:
    folder = settings.lake_dir / "order_events" / "month=2026-03"
    folder.mkdir(parents=True, exist_ok=True)
    row = {"event_id": name, "order_id": "OH-T1", "event": event, "source": "wms", "occurred_at": T0,
           "ingested_at": T0}
    pq.write_table(pa.Table.from_pylist([row], schema=OLD), folder / f"{name}.parquet")


def test_old_event_files_read_with_null_intake_columns_and_compact(data_dir):
    settings = Settings(data_dir=data_dir)
    write_orders(settings.lake_dir, 1)
    _old_file(settings, "E1", "picked")
    _old_file(settings, "E2", "packed")
    db = connect(settings)
    try:
        rows = db.con.execute("select event_id, source_event_id, received_at, ref from order_events "
                              "order by 1").fetchall()
        stage = db.con.execute("select stage from order_lifecycle").fetchone()[0]
    finally:
        db.close()
    assert rows == [("E1", None, None, None), ("E2", None, None, None)] and stage == "packed"
    report = lake.compact(settings.lake_dir, "order_events")
    assert (report.files_before, report.files_after, report.rows_after) == (2, 1, 2)
