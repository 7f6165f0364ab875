"""How figures read to a person: hours, rates, counts and times in the user's zone and language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from models.money import format_money


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def format_hours(hours: float | None, lang: str = "en") -> str:
    """'3.2 h' / '3.2 小时'; under an hour in minutes, so 0.4 h reads '24 min'; a day or more in days and
    whole hours, so 28 h reads '1 d 4 h' / '1天4小时' (nobody on shift converts 1,561 h in their head)."""
    if _missing(hours):
        return "–"
    if abs(hours) < 1:
        return f"{hours * 60:.0f} min" if lang == "en" else f"{hours * 60:.0f} 分钟"
    if round(abs(hours), 1) >= 24:
        return format_days(hours, lang)
    return f"{hours:.1f} h" if lang == "en" else f"{hours:.1f} 小时"


def format_days(hours: float, lang: str = "en") -> str:
    """Whole days and hours, rounded to the hour: 28.4 → '1 d 4 h' / '1天4小时'; 48 → '2 d' / '2天'."""
    sign, total = ("-" if hours < 0 else ""), round(abs(hours))
    days, rest = divmod(total, 24)
    if lang == "en":
        return sign + (f"{days} d {rest} h" if rest else f"{days} d")
    return sign + (f"{days}天{rest}小时" if rest else f"{days}天")


def format_ratio(value: float | None, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{value * 100:.{digits}f}%"


def format_count(value: float | None, lang: str = "en") -> str:
    if _missing(value):
        return "–"
    if lang == "zh" and abs(value) >= 100_000:
        return f"{value / 10_000:,.1f}万"
    return f"{int(value):,}"


def format_ts(ts: datetime | None, tz: str, lang: str = "en") -> str:
    """A UTC instant in the configured zone: '2026-11-20 14:05 CST' / '2026年11月20日 14:05'."""
    if ts is None or pd.isna(ts):
        return "–"
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    local = ts.astimezone(ZoneInfo(tz))
    if lang == "zh":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def format_value(value: Any, unit: str, lang: str = "en", currency: str = "CNY", compact: bool = False) -> str:
    """One entry point for KPI cards, tables and the e-mail, by the KPI's unit."""
    if unit == "money":
        return format_money(None if _missing(value) else int(value), currency, lang, compact)
    if unit == "hours":
        return format_hours(value, lang)
    if unit == "ratio":
        return format_ratio(value, digits=2 if not _missing(value) and value > 0.98 else 1)
    return format_count(value, lang)


def format_change(unit: str, now: Any, before: Any) -> str | None:
    """Change on the previous period in the figure's own unit: points for rates, hours, else percent."""
    if _missing(now) or _missing(before):
        return None
    diff = now - before
    if unit == "ratio":
        return f"{diff * 100:+.2f} pt"
    if unit == "hours":
        return ("+" if diff >= 0 else "") + format_hours(diff) if abs(diff) >= 24 else f"{diff:+.1f} h"
    if before:
        return f"{diff / before * 100:+.1f}%"
    return None
