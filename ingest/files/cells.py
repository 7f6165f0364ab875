"""Cell values of seller exports → typed values; each failure is a ValueError whose text is the reason.

Exports are messier than APIs: Excel turns long order numbers into floats, Taobao CSVs wrap them as
="3912…" to stop that, amounts carry currency symbols, and dates come in the seller's own format and
zone. Every rule for those lives here, once.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

from ingest.normalize.base import parse_ts
from models.money import to_minor

_AMOUNT_JUNK = re.compile(r"[^0-9.,\-]")
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str | None:
    """A cell as text; integral floats lose their '.0' (Excel stores numeric ids as floats)."""
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def order_ref(value: Any) -> str | None:
    """An order number without Taobao's ="…" wrapper or a stray apostrophe Excel users type."""
    ref = text(value)
    if ref is None:
        return None
    if ref.startswith("="):
        ref = ref[1:]
    return ref.strip("\"'\t ") or None


def amount(value: Any, currency: str) -> int | None:
    """'¥1,299.00', 'RM 12.90', 12.9 → minor units of currency; None when blank."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    cleaned = value if isinstance(value, int | float | Decimal) else _AMOUNT_JUNK.sub("", str(value))
    try:
        cents = to_minor(cleaned, currency)
    except (ValueError, ArithmeticError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if abs(cents) >= 2**63:
        raise ValueError(f"amount out of range: {value!r}")
    return cents


def quantity(value: Any) -> int | None:
    if blank(value):
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError as exc:
        raise ValueError(f"not a whole number of items: {value!r}") from exc
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number < 2**31:
        raise ValueError(f"not a whole number of items: {value!r}")
    return int(number)


def flag(value: Any) -> bool:
    """Gift flags: 1/true/yes/是/Y are true, blank and anything else false."""
    return (
        str(value).strip().casefold() in {"1", "true", "yes", "y", "是", "赠品"}
        if not blank(value)
        else False
    )


def timestamp(value: Any, zone: tzinfo, formats: tuple[str, ...]) -> datetime | None:
    """A cell → aware UTC datetime: Excel datetimes and offset-less texts are read in the profile's zone."""
    if blank(value):
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        return parse_ts(moment.isoformat())
    if isinstance(value, date):
        return parse_ts(datetime.combine(value, time()).replace(tzinfo=zone).isoformat())
    raw = str(value).strip()
    for fmt in formats:
        try:
            moment = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        return parse_ts((moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat())
    try:
        return parse_ts(raw, naive_tz=zone)
    except ValueError as exc:
        shown = ", ".join(formats) or "ISO 8601"
        raise ValueError(f"not a date/time in {shown}: {raw!r}") from exc


def split_address(address: str | None) -> tuple[str | None, str | None]:
    """'浙江省 杭州市 西湖区 …' → ('浙江', '杭州'): province and city as the routing rules name them."""
    parts = (address or "").split()
    if len(parts) < 2:
        return None, None

    def short(name: str) -> str:
        for suffix in _PROVINCE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)]
        return name

    return short(parts[0]), short(parts[1])
