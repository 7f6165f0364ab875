"""Every setting OrderHub reads, declared once with its default and help text.

Values come from `$ORDERHUB_DATA/config/settings.toml` (optional) and a few environment variables.
A test checks that every setting here is documented in docs/configuration.md.

    >>> s = load_settings()
    >>> s.timezone
    'Asia/Shanghai'
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.config_check import ConfigError, check_keys

FX_FILE = "fx_rates.toml"  # written by `python -m ingest fx-rates`; read over the default rates


__all__ = ["ConfigError", "Settings", "load_settings", "setting_help"]


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default=Path("data"), metadata={"help": "Root of lake, config, outbox ($ORDERHUB_DATA)."})
    timezone: str = field(default="Asia/Shanghai", metadata={"help": "Zone in which dates are bucketed and shown."})
    reporting_currency: str = field(default="CNY", metadata={"help": "Currency in which GMV is summed and shown."})
    fx_rates: dict[str, float] = field(
        default_factory=lambda: {"CNY": 1.0, "USD": 7.1, "SGD": 5.3, "MYR": 1.6, "THB": 0.2, "PHP": 0.125,
                                 "IDR": 0.00045, "VND": 0.00029, "HKD": 0.91, "EUR": 7.7,
                                 "GBP": 9.0, "JPY": 0.047, "KRW": 0.0051, "TWD": 0.22,
                                 "BRL": 1.3, "MXN": 0.39},
        metadata={"help": "Units of the reporting currency per unit of each currency (GMV conversion)."},
    )
    lead_time_target_hours: float = field(default=8.0, metadata={"help": "Target median paid→shipped hours."})
    on_time_target: float = field(default=0.95, metadata={"help": "Target on-time ship rate."})
    delivered_on_time_target: float = field(
        default=0.95, metadata={"help": "Target share of delivered orders that arrived by the platform's promise."})
    accuracy_target: float = field(default=0.995, metadata={"help": "Target fulfillment accuracy."})
    manual_rate_target: float = field(default=0.03, metadata={"help": "Ceiling for the manual-intervention rate."})
    capacity_alert_ratio: float = field(
        default=2.0,
        metadata={"help": "Capacity alert when an hour's intake exceeds this multiple of its trailing baseline "
                          "(mean of the same weekday-hour over the previous 4 weeks); exactly equal does not alert."},
    )
    accuracy_exception_types: tuple[str, ...] = field(
        default=("wrong_item", "missing_item"),
        metadata={"help": "Exception types that make a shipped order count as not accurate."},
    )
    resolution_codes_needing_note: tuple[str, ...] = field(
        default=("rejected", "refunded", "duplicate", "not_an_issue"),
        metadata={"help": "Resolution codes (models/exceptions.py RESOLUTION_CODES) that close an exception only "
                          "with a note saying what was done; the queue and models/triage.py refuse them without."})
    address_default_country: str = field(
        default="CN",
        metadata={"help": "Country whose division list (models/reference/divisions, config/divisions) checks an "
                          "address correction when the order names no receiver country."})
    console_url: str = field(default="http://localhost:8501", metadata={"help": "Link used in e-mails."})
    session_idle_minutes: int = field(
        default=480, metadata={"help": "A console session unused this long is signed out (minutes)."})
    session_remember_hours: float = field(
        default=12.0,
        metadata={"help": "A sign-in is remembered across reloads and new tabs this long (hours; an HTTP-only "
                          "cookie, revoked on sign-out, password or role change); 0: sign in on every load."})
    trust_forwarded_for: bool = field(
        default=False,
        metadata={"help": "Take the client address for sign-in limits from X-Forwarded-For (last entry); only "
                          "behind a reverse proxy that sets it, or anyone can claim any address."})
    webhook_port: int = field(
        default=8766, metadata={"help": "Port of the warehouse/carrier event webhook receiver run by `ingest serve`."})
    webhook_bind: str = field(
        default="127.0.0.1",
        metadata={"help": "Address the webhook receiver listens on; this machine only unless a proxy needs more."})
    webhook_max_body_bytes: int = field(
        default=1_000_000, metadata={"help": "Largest webhook body accepted; a bigger one is refused with 413."})
    webhook_tolerance_s: int = field(
        default=300, metadata={"help": "A webhook signature older or newer than this many seconds is refused."})
    unmatched_event_after_minutes: float = field(
        default=60,
        metadata={"help": "An event that matches no order for this long is raised as an `unmatched_event` "
                          "exception (it is kept and still retried)."})

    @property
    def lake_dir(self) -> Path:
        """`<data>/lake`, or the location `$ORDERHUB_LAKE` names (a folder, or `s3://bucket/prefix`: an
        `ObjectPath` that answers the `Path` calls the lake makes; docs/scale.md)."""
        uri = os.environ.get("ORDERHUB_LAKE", "")
        if uri:
            from models.objectstore import lake_path

            return lake_path(uri)
        return self.data_dir / "lake"

    @property
    def config_dir(self) -> Path:
        return self.data_dir / "config"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def setting_help() -> dict[str, str]:
    """Name → help text of every setting (used by the docs test and the Admin page)."""
    return {f.name: f.metadata["help"] for f in fields(Settings)}


def load_settings(data_dir: str | Path | None = None) -> Settings:
    """Defaults, overridden by `config/settings.toml` under the data dir; bad values raise ConfigError."""
    root = Path(data_dir or os.environ.get("ORDERHUB_DATA") or "data")
    settings = _with_file_rates(Settings(data_dir=root))
    path = settings.config_dir / "settings.toml"
    if not path.exists():
        return settings
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings ({exc}); fix or remove the file") from exc
    known = {f.name for f in fields(Settings)} - {"data_dir"}
    check_keys(path, "", values, known, "setting")
    if "fx_rates" in values:
        values["fx_rates"] = {**settings.fx_rates, **values["fx_rates"]}
    for name in ("accuracy_exception_types", "resolution_codes_needing_note"):
        if name in values:
            values[name] = tuple(values[name])
    settings = replace(settings, **values)
    try:
        settings.zone  # noqa: B018 - validates the zone name now, not at first use
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{path}: timezone {settings.timezone!r} is not a known IANA zone") from exc
    return settings


def _with_file_rates(settings: Settings) -> Settings:
    """The defaults with the rates of `config/fx_rates.toml` (python -m ingest fx-rates) laid over them."""
    path = settings.config_dir / FX_FILE
    if not path.exists():
        return settings
    try:
        rates = tomllib.loads(path.read_text(encoding="utf-8")).get("fx_rates", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read rates ({exc}); run python -m ingest fx-rates again") from exc
    bad = [c for c, r in rates.items() if isinstance(r, bool) or not isinstance(r, int | float) or r <= 0]
    if bad:
        raise ConfigError(f"{path}: rate of {bad[0]} must be a positive number")
    return replace(settings, fx_rates={**settings.fx_rates, **rates})
