"""The reservation pass's connection: only what the pass reads, and for a batch only the orders it concerns.

    db, files = passdb.connect(settings)   # files: table → the files the views read
    passdb.scope(db, files, order_ids)     # before reserving a batch: the order views see only its orders

Why: every reader's connection lists every table and creates every view and KPI macro, and the order views
dedupe every order, line and event version of the lake before a join picks the few a pass wants. The pass
reads seven tables (the others are left empty) and three view files (`SQL_FILES`). Reserving a batch
concerns the batch's orders only, so the order tables' lake views are then re-pointed at their rows; every
view stacked on them (orders, order_lines, order_lifecycle) gives the same rows for those orders, since each
of those views is per order. Moving reservations on reads the lake tables itself, for the orders holding
stock (models/inventory/lifecycle.py), and runs before the scope.
"""

from __future__ import annotations

from models.db import LakeConnection, retry_vanished
from models.schema import TABLES
from models.settings import Settings
from models.views import files_select, open_views, readable_files

TABLES_READ = ("orders", "order_lines", "order_events", "sku_map", "inventory", "stock_movements",
               "reservation_events")
SQL_FILES = ("views.sql", "events.sql", "inventory.sql")
SCOPED = ("orders", "order_lines", "order_events")



def connect(settings: Settings) -> tuple[LakeConnection, dict[str, list[str]]]:
    """A connection with the pass's views over the lake as it is now, and the files they read."""
    def opened() -> tuple[LakeConnection, dict[str, list[str]]]:
        problems: list[str] = []
        files = {t: readable_files(settings.lake_dir, t, problems) for t in TABLES_READ}
        return open_views(settings, files, problems, sql_files=SQL_FILES), files
    return retry_vanished(opened)


def scope(db: LakeConnection, files: dict[str, list[str]], order_ids: list[str]) -> None:
    """Narrow the order tables' lake views to these orders."""
    db.con.execute("create or replace temp table inv_scope as select unnest($ids::varchar[]) as order_id",
                   {"ids": order_ids})
    for table in SCOPED:
        if files[table]:  # a table without files is an empty table already
            db.con.execute(f"create or replace view lake_{table} as select * from "
                           f"({files_select(TABLES[table], files[table])}) "
                           "where order_id in (select order_id from inv_scope)")
