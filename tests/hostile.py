"""Hostile text in every order field a page shows (issue #11 item 8): Markdown images and links, HTML,
Streamlit's colour and maths syntax, and a 100 000-character value. Shared by the AppTest and browser tests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from models import lake
from models.versions import latest

BEACON = "127.0.0.1:1"  # nothing listens there: an <img>/<a> pointing at it was built from our data
LONG = "$x^2$ " + "长" * 100_000
HOSTILE = {
    "receiver_name": "<img src=x onerror=alert(1)>",
    "receiver_phone": "[link](javascript:alert(1))",
    "receiver_province": ":red[boom]",
    "receiver_city": f"![x](http://{BEACON}/x.png)",
    "receiver_address": LONG,
    "warehouse": f"<a href='http://{BEACON}/w'>wh</a>![w](http://{BEACON}/w.png)",
    "carrier": f"[c](http://{BEACON}/c) **bold** :red[c]",
    "buyer_note": "<b>note</b> $y$",
}


def new_version(lake_dir: Path, order_id: str, **fields: object) -> dict:
    """Write a newer version of `order_id` with `fields` (same updated_at, later ingested_at, as a console
    edit would) and return it."""
    row = latest(lake_dir, "orders", [order_id])[order_id]
    stamp = max(datetime.now(UTC), row["ingested_at"] + timedelta(seconds=1))
    new = {**row, **fields, "ingested_at": stamp}
    lake.write(lake_dir, "orders", [new])
    return new


def make_hostile(lake_dir: Path, order_id: str) -> dict:
    """A newer version of `order_id` carrying HOSTILE in every field."""
    return new_version(lake_dir, order_id, **HOSTILE)
