"""What every platform module shares: the result type, the one error type, and the field readers.

A platform module only says *where* each canonical field lives in its payload; reading, type checks,
timestamp and money conversion, event building, the status look-up and the `explain` trail all happen
here, so the five modules never repeat that logic and every bad field fails the same way (BadRecord).

    reader = Reader("shopee", payload, id_path="order_sn")
    placed = reader.ts("placed_at", "create_time", required=True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any

from models.money import to_minor

_MISSING = object()


@dataclass
class NormalizedOrder:
    """One platform order as canonical rows; `explain` maps canonical field → raw JSON path."""

    order: dict[str, Any]
    lines: list[dict[str, Any]]
    events: list[dict[str, Any]]
    explain: dict[str, str]
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (canonical field, reason), left empty


class BadRecord(ValueError):
    """A payload that cannot become a canonical order; names platform, order (if known), field, reason."""

    def __init__(self, platform: str, field: str, reason: str, platform_order_id: str | None = None) -> None:
        self.platform = platform
        self.field = field
        self.reason = reason
        self.platform_order_id = platform_order_id
        where = f"order {platform_order_id}" if platform_order_id else "order (id unknown)"
        super().__init__(f"{platform} {where}: field {field!r}: {reason}")


@lru_cache(maxsize=4096)
def _steps(path: str) -> tuple[tuple[str, int | None], ...]:
    """A dotted path split once: (key, list index or None) per part; paths are few and reused per record."""
    return tuple((part, int(part) if part.isdigit() else None) for part in path.split("."))


def _walk(data: Any, path: str) -> Any:
    """Value at a dotted path ('recipient_address.phone', 'line_items.0.price'), or _MISSING."""
    node = data
    for part, index in _steps(path):
        if type(node) is dict:  # JSON objects: skip the slow abc check of Mapping
            node = node.get(part, _MISSING)
            if node is _MISSING:
                return _MISSING
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        elif index is not None and isinstance(node, list) and index < len(node):
            node = node[index]
        else:
            return _MISSING
    return node


def parse_ts(value: Any, *, naive_tz: tzinfo | None = None) -> datetime | None:
    """A platform timestamp → aware UTC datetime; None for absent (null, '', 0 = Shopee's 'not yet').

    Epoch seconds (int or digit string), ISO 8601 with 'Z' or an offset, and Lazada's
    '2014-10-15 18:36:05 +0800'. A time without offset is only accepted when the platform documents
    its zone (naive_tz, e.g. UTC for WooCommerce's *_gmt fields); otherwise it raises ValueError.
    """
    if value is None or value == "" or value == 0:
        return None
    kind = type(value)  # exact-type fast paths first: ISO text and epoch ints are nearly every value
    if kind is str and not value.strip().isdigit():
        return _parse_text(value, naive_tz)
    if kind is int:
        return _epoch(value)
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float | Decimal) or (isinstance(value, str) and value.strip().isdigit()):
        return _epoch(value)
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    return _parse_text(value, naive_tz)


_EPOCH_MS = 10**11  # seconds beyond year 5138: the number is milliseconds (Lazada's "1413786247000")


def _epoch(value: int | float | Decimal | str) -> datetime:
    try:
        seconds = int(value)
        if abs(seconds) >= _EPOCH_MS:
            seconds //= 1000
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"epoch seconds out of range: {value!r}") from exc


def _parse_text(value: str, naive_tz: tzinfo | None) -> datetime:
    text = value.strip()
    if len(text) > 6 and text[-6] == " " and text[-5] in "+-":  # '... 18:36:05 +0800'
        text = text[:-6] + text[-5:]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 / epoch timestamp: {value!r}") from exc
    if parsed.tzinfo is None:
        if naive_tz is None:
            raise ValueError(f"timestamp has no UTC offset: {value!r}")
        parsed = parsed.replace(tzinfo=naive_tz)
    return parsed.astimezone(UTC)


class Reader:
    """Reads one order payload field by field, recording each canonical field's raw path in `explain`."""

    def __init__(self, platform: str, payload: Any, *, id_path: str) -> None:
        self.platform = platform
        self.order_ref: str | None = None
        self.explain: dict[str, str] = {}
        self.unreadable: list[tuple[str, str]] = []  # optional fields that could not be read, left empty
        self.prefix = ""
        if type(payload) is not dict and not isinstance(payload, Mapping):  # exact type first: abc checks are slow
            raise BadRecord(platform, "$", f"an order must be a JSON object, got {type(payload).__name__}")
        self.payload = payload
        self.order_ref = self.text("platform_order_id", id_path, required=True)

    def sub(self, data: Any, at: str) -> Reader:
        """A reader over a nested object (one line item) that shares this order's explain and id."""
        if type(data) is not dict and not isinstance(data, Mapping):
            raise self.fail(at, f"expected an object, got {type(data).__name__}")
        view = object.__new__(Reader)
        view.__dict__.update(self.__dict__, payload=data, prefix=f"{self.prefix}{at}.")
        return view

    def fail(self, field: str, reason: str) -> BadRecord:
        return BadRecord(self.platform, field, reason, self.order_ref)

    def raw(self, canonical: str | None, *paths: str, required: bool = False) -> Any:
        """First non-blank value among paths, or None; missing and required → BadRecord."""
        return self._first(canonical, paths, required)

    def _first(self, canonical: str | None, paths: tuple[str, ...], required: bool) -> Any:
        """`raw` without re-packing arguments: the typed readers below call this once per field."""
        payload = self.payload
        flat = type(payload) is dict
        for path in paths:
            value = payload.get(path, _MISSING) if flat and "." not in path else _walk(payload, path)
            if value is _MISSING or value is None or (isinstance(value, str) and (not value or value.isspace())):
                continue  # blank: isspace() is strip()'s whitespace, without building a stripped copy
            if canonical and canonical not in self.explain:  # the first read of a field names its path
                self.explain[canonical] = self.prefix + path
            return value
        if required:
            raise self.fail(self.prefix + paths[0], "missing")
        return None

    def skip(self, canonical: str | None, path: str, reason: str, required: bool) -> None:
        """An unreadable value: a required field refuses the order; an optional one is left empty and noted."""
        if required:
            raise self.fail(path, reason)
        self.explain.pop(canonical or "", None)
        if (canonical or path, f"{path}: {reason}") not in self.unreadable:
            self.unreadable.append((canonical or path, f"{path}: {reason}"))

    def text(self, canonical: str | None, *paths: str, required: bool = False) -> str | None:
        value = self._first(canonical, paths, required)
        if type(value) is str:  # the common case, without the union checks below
            return value.strip()
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.skip(canonical, self.prefix + paths[0], f"expected text, got {type(value).__name__}", required)
            return None
        return str(value).strip()

    def number(self, canonical: str | None, *paths: str, default: int = 0) -> int:
        value = self._first(canonical, paths, False)
        if type(value) is int and -(2**31) < value < 2**31:
            return value
        if value is None:
            return default
        try:
            if isinstance(value, bool):
                raise ValueError
            number = Decimal(str(value).strip())
            if number != number.to_integral_value() or abs(number) >= 2**31:
                raise ValueError
            return int(number)
        except (ValueError, ArithmeticError) as exc:
            raise self.fail(self.prefix + paths[0], f"expected a whole number, got {value!r}") from exc

    def money(self, canonical: str | None, *paths: str, currency: str, default: int | None = 0) -> int | None:
        value = self._first(canonical, paths, False)
        if value is None:
            return default
        kind = type(value)
        if kind is not str and kind is not int and kind is not float and (
            isinstance(value, bool) or not isinstance(value, str | int | float)
        ):
            raise self.fail(self.prefix + paths[0], f"expected an amount, got {type(value).__name__}")
        try:
            cents = to_minor(value, currency)
        except (ValueError, ArithmeticError) as exc:  # to_minor raises InvalidOperation on huge values
            raise self.fail(self.prefix + paths[0], str(exc) or f"not an amount: {value!r}") from exc
        if abs(cents) >= 2**63:
            raise self.fail(self.prefix + paths[0], f"amount out of range: {value!r}")
        return cents

    def ts(
        self, canonical: str | None, *paths: str, required: bool = False, naive_tz: tzinfo | None = None
    ) -> datetime | None:
        value = self._first(canonical, paths, required)
        if value is None:
            return None
        try:
            parsed = parse_ts(value, naive_tz=naive_tz)
        except ValueError as exc:
            self.skip(canonical, self.prefix + paths[0], str(exc), required)
            return None
        if parsed is None and required:
            raise self.fail(self.prefix + paths[0], "missing")
        return parsed

    def items(self, *paths: str) -> list[Any]:
        """The list at the first present path ([] when absent); a non-list there → BadRecord."""
        payload = self.payload
        flat = type(payload) is dict
        for path in paths:
            value = payload.get(path, _MISSING) if flat and "." not in path else _walk(payload, path)
            if value is _MISSING or value is None:
                continue
            if not isinstance(value, list):
                raise self.fail(path, f"expected a list, got {type(value).__name__}")
            return value
        return []

    def currency(self, *paths: str, default: str | None = None) -> str:
        code = self.text("currency", *paths)
        if code is None:
            if default is None:
                raise self.fail(paths[0], "missing")
            self.explain["currency"] = f"(channel default {default})"
            return default
        if len(code) != 3 or not code.isalpha():
            raise self.fail(paths[0], f"not an ISO 4217 currency code: {code!r}")
        return code.upper()


@dataclass
class Line:
    """One order line as the platform module read it; `finish` turns it into an ORDER_LINES row."""

    sku: str | None
    title: str | None
    qty: int
    unit_price_cents: int | None  # None: the source (a file export) has no unit price
    is_gift: bool


def joined(*parts: str | None, sep: str = ", ") -> str | None:
    """Non-empty parts joined (address lines, first + last name); None when all are empty."""
    kept = [p.strip() for p in parts if p and p.strip()]
    return sep.join(kept) or None


def dated(
    reader: Reader,
    canonical: str,
    items_path: str,
    field: str,
    *,
    latest: bool = False,
    where: tuple[str, object] | None = None,
) -> datetime | None:
    """Earliest (or latest) timestamp `field` among the objects at items_path, optionally filtered."""
    found = []
    for item in reader.items(items_path):
        sub = reader.sub(item, f"{items_path}[]")
        if where is not None and sub.raw(None, where[0]) != where[1]:
            continue
        at = sub.ts(None, field)
        if at is not None:
            found.append(at)
    if not found:
        return None
    reader.explain.setdefault(canonical, f"{reader.prefix}{items_path}[].{field}")
    return max(found) if latest else min(found)


class ResponseShapeError(ValueError):
    """An API response body that is not one of the platform's documented order-response shapes."""


def unwrap(platform: str, body: Any, *paths: str, bare: bool = False) -> list[dict]:
    """Orders in a response: the list (or single object) at the first present path.

    `bare` accepts the body itself as a list of orders or one order (WooCommerce returns both).
    """
    candidates = [_walk(body, p) for p in paths]
    if bare:
        candidates.append(body)
    for found in candidates:
        if isinstance(found, list):
            return list(found)
        if isinstance(found, Mapping) and found:
            return [dict(found)]
    where = " or ".join([*paths, *(["the body itself"] if bare else [])])
    raise ResponseShapeError(f"{platform}: response has no orders at {where}")
