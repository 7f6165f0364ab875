"""Cell values of seller exports → typed values; each failure is a ValueError whose text is the reason.

Exports are messier than APIs: Excel turns long order numbers into floats, Taobao CSVs wrap them as
="3912…" to stop that, amounts carry currency symbols (their rule: ingest/files/amounts.py), and dates
come in the seller's own format and zone. Every rule for those lives here, once.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

from ingest.files.amounts import AmountRule
from ingest.files.limits import cut
from ingest.normalize.base import parse_ts

DEFAULT_RULE = AmountRule()
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


def amount(value: Any, currency: str, rule: AmountRule = DEFAULT_RULE) -> int | None:
    """'¥1,299.00', 'RM 12.90', 12.9 → minor units of currency by the profile's rule; None when blank."""
    return None if blank(value) else rule.minor(value, currency)


def _whole(value: Any) -> int | None:
    """An int cell, an integral float cell (Excel's 2.0) or plain ASCII digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    digits = str(value).strip()
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None


def quantity(value: Any, cap: int) -> int | None:
    """Items on a line: a whole number 1..cap, written as plain digits (no '1e9', no '2.0' text)."""
    if blank(value):
        return None
    number = _whole(value)
    if number is None:
        raise ValueError(f"not a whole number of items: {cut(value)}")
    if not 1 <= number <= cap:
        raise ValueError(f"quantity {cut(value)} is outside 1..{cap:,} ([limits] max_qty)")
    return number


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
        moment = _parsed(raw, fmt)
        if moment is not None:
            return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)
    try:
        return parse_ts(raw, naive_tz=zone)
    except ValueError as exc:
        shown = ", ".join(formats) or "ISO 8601"
        raise ValueError(f"not a date/time in {shown}: {cut(raw)}") from exc


_DIRECTIVES = {"%Y": "([0-9]{4})", "%m": "([0-9]{2})", "%d": "([0-9]{2})", "%H": "([0-9]{2})",
               "%M": "([0-5][0-9])", "%S": "([0-5][0-9])", "%z": "([+-])([0-9]{2})([0-5][0-9])"}
_FIELDS = ("%Y", "%m", "%d", "%H", "%M", "%S")


@lru_cache(maxsize=64)
def _fast(fmt: str) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """A regex for the plain form of a format of numeric fields (two digits each, one space), or None.

    strptime costs about 14 µs a cell, most of it building its regex state; a year's export has tens of
    millions of time cells. The plain form is a subset of what strptime accepts, and a cell that does not
    fit it, or that fits it but is no date (month 13), is left to strptime, so the result is always strptime's.
    """
    parts = re.split("(%.)", fmt)
    directives = tuple(p for p in parts if p.startswith("%"))
    if any(p not in _DIRECTIVES for p in directives) or len(set(directives)) < len(directives):
        return None
    return re.compile("".join(_DIRECTIVES.get(p) or re.escape(p) for p in parts if p)), directives


def _parsed(raw: str, fmt: str) -> datetime | None:
    """`datetime.strptime(raw, fmt)`, or None where it raises ValueError; the plain form without it."""
    fast = _fast(fmt)
    match = fast[0].fullmatch(raw) if fast else None
    if match is not None:
        values, groups = dict.fromkeys(_FIELDS, 0), iter(match.groups())
        values["%Y"] = 1900  # strptime's default year
        values["%m"] = values["%d"] = 1
        zone = None
        for directive in fast[1]:
            if directive == "%z":
                sign, hours, minutes = next(groups), int(next(groups)), int(next(groups))
                offset = timedelta(hours=hours, minutes=minutes)
                zone = (-offset, offset)[sign == "+"]
            else:
                values[directive] = int(next(groups))
        try:
            return datetime(*values.values(), tzinfo=None if zone is None else timezone(zone))
        except ValueError:
            pass  # strptime says why, or reads it otherwise
    try:
        return datetime.strptime(raw, fmt)
    except ValueError:
        return None


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
