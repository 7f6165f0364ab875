"""Inventory settings from `<data>/config/inventory.toml` (optional; every key has a default).

    reserve_on = "paid"            # when an order reserves stock: "paid" or "placed"
    unpaid_expiry_minutes = 60     # a reservation made on placing is released if unpaid this long
    low_stock_days = 7             # a SKU × warehouse with fewer days of cover than this is low
    sales_window_days = 14         # days of sales the daily rate (days of cover) is averaged over
    [channels.shopee]
    reserve_on = "placed"          # per channel override
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from models.config_check import ConfigError, check_keys
from models.settings import Settings

FILE = "inventory.toml"
WHEN = ("paid", "placed")
TOP_KEYS = {"reserve_on", "unpaid_expiry_minutes", "low_stock_days", "sales_window_days", "channels"}


@dataclass(frozen=True)
class InventoryConfig:
    reserve_on: str = "paid"
    unpaid_expiry_minutes: int = 60
    low_stock_days: float = 7.0
    sales_window_days: int = 14
    channel_reserve_on: dict[str, str] = field(default_factory=dict)

    def reserves_on(self, channel: str) -> str:
        """"paid" or "placed" for this channel."""
        return self.channel_reserve_on.get(channel, self.reserve_on)

    def placed_params(self) -> dict[str, object]:
        """SQL parameters for `list_contains($placed_channels, channel) = $placed_default` ("reserves on placing")."""
        placed_default = self.reserve_on == "placed"
        differing = sorted(c for c, w in self.channel_reserve_on.items() if (w == "placed") != placed_default)
        return {"placed_channels": differing, "placed_default": not placed_default}


def _when(path: Path, where: str, value: object) -> str:
    if value not in WHEN:
        raise ConfigError(f"{path}: {where}reserve_on must be one of {', '.join(WHEN)}, not {value!r}")
    return str(value)


def load(settings: Settings) -> InventoryConfig:
    """The inventory settings; a missing file gives the defaults, a bad key or value a ConfigError."""
    path = settings.data_dir / "config" / FILE
    if not path.exists():
        return InventoryConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    check_keys(path, "", raw, TOP_KEYS)
    channels = {}
    for name, table in raw.get("channels", {}).items():
        check_keys(path, f"[channels.{name}]", table, {"reserve_on"})
        channels[name] = _when(path, f"[channels.{name}] ", table.get("reserve_on", "paid"))
    try:
        return InventoryConfig(_when(path, "", raw.get("reserve_on", "paid")),
                               int(raw.get("unpaid_expiry_minutes", 60)), float(raw.get("low_stock_days", 7)),
                               int(raw.get("sales_window_days", 14)), channels)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: a number is expected: {exc}") from exc
