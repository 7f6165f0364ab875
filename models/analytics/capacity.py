"""Warehouse capacity (orders per hour) from config/capacity.toml, and the backlog set against it.

    >>> load_capacity(Path("data/config"))["Suzhou"]
    220.0
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pandas as pd

from models.config_check import check_keys
from models.settings import ConfigError

FILE = "capacity.toml"
DEFAULT_KEY = "default_orders_per_hour"
DEFAULT_RATE = 150.0  # orders per hour for a warehouse capacity.toml does not list


class Capacity(dict):
    """Warehouse → orders per hour; warehouses not listed get `default`."""

    def __init__(self, per_warehouse: dict[str, float], default: float) -> None:
        super().__init__(per_warehouse)
        self.default = default

    def __missing__(self, warehouse: str) -> float:
        return self.default


def load_capacity(config_dir: Path) -> Capacity:
    """Read capacity.toml; a missing file means every warehouse gets the built-in default (150/h)."""
    path = config_dir / FILE
    if not path.exists():
        return Capacity({}, DEFAULT_RATE)
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read capacity ({exc}); fix the file or remove it") from exc
    check_keys(path, "", values, {DEFAULT_KEY, "warehouses"})
    default = _rate(path, DEFAULT_KEY, values.get(DEFAULT_KEY, DEFAULT_RATE))
    table = values.get("warehouses", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [warehouses] must be a table of warehouse = orders per hour")
    return Capacity({wh: _rate(path, f"warehouses.{wh}", v) for wh, v in table.items()}, default)


def _rate(path: Path, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{path}: {key} = {value!r} is not a positive number of orders per hour")
    return float(value)


def backlog_vs_capacity(backlog: pd.DataFrame, capacity: Capacity) -> pd.DataFrame:
    """Add each warehouse's capacity and the hours its backlog at each step needs to clear at that rate."""
    out = backlog.copy()
    out["capacity_per_h"] = [capacity[wh] for wh in out["warehouse"]]
    out["hours_to_clear"] = out["orders"] / out["capacity_per_h"]
    return out


def alerts(hourly: pd.DataFrame, backlog: pd.DataFrame, clear_within_h: float) -> pd.DataFrame:
    """The alert list: hours whose intake alerted, and warehouse steps whose backlog needs longer than
    `clear_within_h` to clear. Each alert has a stable id that acknowledgements refer to."""
    hot = hourly[hourly["is_alert"]]
    rows = [{"alert_id": f"intake:{h:%Y-%m-%dT%H}", "kind": "intake", "subject": f"{h:%Y-%m-%d %H:00}",
             "value": o, "limit": b} for h, o, b in zip(hot["hour"], hot["orders"], hot["baseline"], strict=True)]
    slow = backlog[backlog["hours_to_clear"] > clear_within_h]
    rows += [{"alert_id": f"backlog:{w}:{s}", "kind": "backlog", "subject": f"{w} · {s}", "value": h,
              "limit": clear_within_h}
             for w, s, h in zip(slow["warehouse"], slow["waiting_for"], slow["hours_to_clear"], strict=True)]
    return pd.DataFrame(rows, columns=["alert_id", "kind", "subject", "value", "limit"])
