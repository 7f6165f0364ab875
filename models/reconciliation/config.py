"""Each channel's fee table and settlement delay, and the tolerance per currency: `config/reconciliation.toml`.

    cfg = load_recon_config(settings.config_dir)
    cfg.fee("shopee")          # Fee(settlement_days=14, percent=Decimal('6.0'), fixed={'SGD': 30})

Editable by the seller (their contract with each platform), so every value is validated on load and a
typo names the file, the place and the closest valid key (models/config_check). Percentages and amounts
are strings or numbers read as exact decimals: the expected net of an order must not depend on floats.

    [defaults]
    settlement_days = 14
    fee_percent = "0"
    [tolerance]            # |settled − expected| beyond this (per currency, in its own units) is a finding
    default = "0.01"
    JPY = "1"
    [channel.shopee]
    settlement_days = 15
    fee_percent = "6.04"
    fixed_fee = { SGD = "0.30" }
    [buyers]               # buyers listed on the page (and a rule can use buyer_returns_90d etc.)
    days = 90
    min_events = 3         # returns + refunds + complaints in those days
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from models.config_check import ConfigError, check_keys, read_toml
from models.money import to_minor

FILE = "reconciliation.toml"
FEE_KEYS = {"settlement_days", "fee_percent", "fixed_fee"}
DEFAULT_DAYS = 14


@dataclass(frozen=True)
class Fee:
    """What a channel takes and how long it takes to pay: percent of (paid − refunds) plus a fixed fee."""

    settlement_days: int = DEFAULT_DAYS
    percent: Decimal = Decimal(0)
    fixed: dict[str, int] = field(default_factory=dict)  # currency → minor units per order


@dataclass(frozen=True)
class ReconConfig:
    defaults: Fee = field(default_factory=Fee)
    channels: dict[str, Fee] = field(default_factory=dict)
    tolerance: dict[str, str] = field(default_factory=lambda: {"default": "0.01"})
    buyer_days: int = 90
    buyer_min_events: int = 3

    def fee(self, channel: str) -> Fee:
        return self.channels.get(channel, self.defaults)

    def tolerance_minor(self, currency: str) -> int:
        """The tolerance in the currency's minor units (its own entry, else `default` read in that currency)."""
        return to_minor(self.tolerance.get(currency, self.tolerance.get("default", "0")), currency)


def _decimal(path: Path, where: str, value: Any) -> Decimal:
    try:
        number = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ConfigError(f"{path}: {where} = {value!r} must be a number of at least 0 (e.g. \"5.5\")")
    return number


def _fee(path: Path, where: str, table: Any, base: Fee) -> Fee:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where} must be a table of {', '.join(sorted(FEE_KEYS))}")
    check_keys(path, where, table, FEE_KEYS)
    days = _whole(path, f"{where} settlement_days", table.get("settlement_days", base.settlement_days), 0, 365)
    percent = _decimal(path, f"{where} fee_percent", table.get("fee_percent", base.percent))
    if percent > 100:
        raise ConfigError(f"{path}: {where} fee_percent = {percent} is more than 100")
    fixed = table.get("fixed_fee", {})
    if not isinstance(fixed, dict):
        raise ConfigError(f"{path}: {where} fixed_fee must be a table of currency = amount, e.g. {{ USD = \"0.30\" }}")
    return Fee(days, percent, {**base.fixed, **{c.upper(): _minor(path, f"{where} fixed_fee.{c}", v, c)
                                               for c, v in fixed.items()}})


def _minor(path: Path, where: str, value: Any, currency: str) -> int:
    amount = _decimal(path, where, value)
    return to_minor(str(amount), currency)


def _whole(path: Path, where: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{path}: {where} = {value!r} must be a whole number from {low} to {high}")
    return value


def parse_recon_config(path: Path, doc: dict[str, Any]) -> ReconConfig:
    """Validate a parsed reconciliation.toml; ConfigError naming the file and key."""
    check_keys(path, "", doc, {"defaults", "tolerance", "channel", "buyers"}, "section")
    buyers = doc.get("buyers", {})
    check_keys(path, "[buyers]", buyers, {"days", "min_events"})
    defaults = _fee(path, "[defaults]", doc.get("defaults", {}), Fee())
    channels = doc.get("channel", {})
    if not isinstance(channels, dict):
        raise ConfigError(f"{path}: [channel] must hold one table per channel, e.g. [channel.shopee]")
    tolerance = {str(k): str(_decimal(path, f"[tolerance] {k}", v)) for k, v in doc.get("tolerance", {}).items()}
    tolerance.setdefault("default", "0.01")
    return ReconConfig(defaults, {name: _fee(path, f"[channel.{name}]", t, defaults) for name, t in channels.items()},
                       tolerance, _whole(path, "[buyers] days", buyers.get("days", 90), 1, 3650),
                       _whole(path, "[buyers] min_events", buyers.get("min_events", 3), 1, 1000))


def load_recon_config(config_dir: Path) -> ReconConfig:
    """The config file's values (defaults when there is none)."""
    path = config_dir / FILE
    return parse_recon_config(path, read_toml(path))
