"""The Inventory page's reads (cached per lake version and minute) and its one chart."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from models import stock_push
from models.inventory import config as inv_config
from models.inventory import queries
from models.inventory.config import InventoryConfig
from models.settings import ConfigError
from ui import data, t
from ui.data import relisting


def load_config() -> tuple[InventoryConfig, str | None]:
    """The inventory settings, or the defaults and the error when inventory.toml is broken."""
    try:
        return inv_config.load(data.settings()), None
    except ConfigError as exc:
        return InventoryConfig(), str(exc)


@st.cache_data(max_entries=32, show_spinner=False)
@relisting
def _read(what: str, version: str, minute: datetime, cfg: InventoryConfig, warehouses: tuple[str, ...],
          sku: str | None = None) -> pd.DataFrame:
    db = data.db()
    if what == "grid":
        return queries.grid(db, cfg, minute, list(warehouses))
    if what == "reservations":
        return queries.reservations(db, minute, list(warehouses))
    if what == "oversells":
        return queries.oversells(db)
    return queries.history(db, sku or "", minute - timedelta(days=60), minute)


def read(what: str, cfg: InventoryConfig, warehouses: tuple[str, ...], sku: str | None = None) -> pd.DataFrame:
    return _read(what, data.current_version(), data.minute(), cfg, warehouses, sku)


FORMATS = {"daily_rate": "%.2f", "days_of_cover": "%.1f", "age_hours": "%.1f"}


def columns(df: pd.DataFrame) -> dict[str, Any]:
    """Labels for every column; numbers with a fixed number of decimals (never a raw float)."""
    out: dict[str, Any] = {}
    for c in df.columns:
        name = t(f"inventory.col.{c}")
        out[c] = st.column_config.NumberColumn(name, format=FORMATS[c]) if c in FORMATS else name
    return out


def pushed() -> Any:
    """What was last pushed to each channel's listings, and when (models/stock_push.py)."""
    return stock_push.pushed_recently(data.db().con)


def history_chart(df: pd.DataFrame, lang: str) -> go.Figure:
    fig = go.Figure()
    for col in ("on_hand", "reserved", "available"):
        fig.add_scatter(x=df["day"], y=df[col], name=t(f"inventory.col.{col}"), mode="lines")
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"})
    return fig
