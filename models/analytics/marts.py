"""The analytics macros on a connection, and `order_facts` made cheap to re-read where it is not already.

The console's connection reads the persisted mart (`models.db.connect(materialize=True)`, which keeps the
live view as `order_facts_live`); connections that do not (tests, the CLI) get `order_facts` materialised
into a table here, once per connection, so each analytics query does not pivot every event again. The view
is re-pointed at the table in one catalog change, so queries that run meanwhile on other cursors see either
the old view or the table, both with the same rows.
"""

from __future__ import annotations

import threading

from models.db import SQL_DIR, LakeConnection

_lock = threading.Lock()
MART = "mart_order_facts"


def ensure_marts(db: LakeConnection) -> None:
    """Materialise order_facts and create the analytics macros, once per database (idempotent)."""
    if _has_mart(db):
        return
    with _lock:
        if _has_mart(db):
            return
        if not _is_view(db, "order_facts_live"):  # models.db.connect(materialize=True) already read the mart
            db.con.execute(f"create or replace table {MART} as select * from order_facts")
            db.con.execute(f"create or replace view order_facts as select * from {MART}")
        db.con.execute((SQL_DIR / "analytics_views.sql").read_text(encoding="utf-8"))


def _is_view(db: LakeConnection, name: str) -> bool:
    row = db.con.execute("select count(*) from duckdb_views() where view_name = $n", {"n": name}).fetchone()
    return bool(row and row[0])


def _has_mart(db: LakeConnection) -> bool:
    row = db.con.execute(
        "select count(*) from duckdb_functions() where function_name = 'waiting_orders'"
    ).fetchone()
    return bool(row and row[0])
