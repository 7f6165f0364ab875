"""Import profiles: which column of a seller's CSV/XLSX export holds which canonical field.

    profile = load_profile("docs/profiles/taobao-orders.toml")
    profile.columns["platform_order_id"]   # '订单编号'

A profile is validated completely on load, so a typo fails before any row is read, with one line that
names the file, the section and the key. The format is documented in docs/file-import.md.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.files.amounts import DECIMALS, THOUSANDS, AmountRule
from ingest.files.limits import Limits
from ingest.normalize.status_map import COMMON, StatusMap, default_status_map
from models import lifecycle
from models.config_check import unknown_key
from models.settings import ConfigError

# Canonical fields a column can fill. Money fields take the amount as printed ("12.90", "¥1,299.00");
# *_at fields take a timestamp. Line fields repeat per row; order fields may be blank on later rows.
ORDER_FIELDS = (
    "platform_order_id",
    "currency",
    "total_cents",
    "shipping_cents",
    "discount_cents",
    "buyer_id",
    "buyer_note",
    "receiver_name",
    "receiver_phone",
    "receiver_country",
    "receiver_province",
    "receiver_city",
    "receiver_address",
    "carrier",
    "tracking_no",
    "ship_by_at",
    "promised_delivery_at",
    "updated_at",
)
LINE_FIELDS = ("sku", "title", "qty", "unit_price_cents", "is_gift")
MONEY_FIELDS = ("total_cents", "shipping_cents", "discount_cents", "unit_price_cents")
TIME_FIELDS = ("ship_by_at", "promised_delivery_at", "updated_at")
SECTIONS = {
    "source": {
        "channel",
        "shop",
        "currency",
        "timezone",
        "date_formats",
        "encoding",
        "sheet",
        "split_address",
        "group_by",
        "kind",
        "unknown_orders",
    },
    "columns": set(ORDER_FIELDS + LINE_FIELDS),
    "events": set(lifecycle.EVENTS),
    "status": {"column", "map", "values"},
    "amounts": {"decimal", "thousands", "refunds"},
    "limits": set(Limits.__dataclass_fields__),
}
OPTIONAL_SECTIONS = ("amounts", "limits")
KINDS = ("orders", "items", "payments")  # items and payments attach to orders already in the lake
UNKNOWN_ORDERS = ("reject", "hold")  # a row of an order the lake lacks: rejected, or held until it arrives


def column_key(name: object) -> str:
    """A column name as matched: runs of spaces are one space, ends trimmed ('Total ' is 'Total')."""
    return " ".join(str(name).split()) if name is not None else ""


class ProfileError(ConfigError):
    """The profile is unreadable or invalid; the message names the file, section and key."""


@dataclass(frozen=True)
class Profile:
    path: Path
    channel: str
    shop: str
    timezone: ZoneInfo
    columns: dict[str, str]
    events: dict[str, str]
    status_columns: tuple[str, ...]
    status_map: StatusMap
    currency: str | None = None
    date_formats: tuple[str, ...] = ()
    encoding: str = "utf-8-sig"
    sheet: str | None = None
    split_address: bool = False
    group_by: str | None = None
    required_columns: tuple[str, ...] = field(default=())
    amounts: AmountRule = field(default_factory=AmountRule)
    limits: Limits = field(default_factory=Limits)
    kind: str = "orders"
    unknown_orders: str = "reject"


def _need(path: Path, table: dict, section: str, key: str) -> object:
    if key not in table:
        raise ProfileError(f"{path}: [{section}] is missing required key {key!r}")
    return table[key]


def _check_keys(path: Path, doc: dict) -> None:
    for section, value in doc.items():
        if section not in SECTIONS:
            raise ProfileError(str(unknown_key(path, "", section, SECTIONS, "section")))
        if not isinstance(value, dict):
            raise ProfileError(f"{path}: [{section}] must be a table")
        for key in value:
            if key not in SECTIONS[section]:
                what = {"columns": "canonical field", "events": "lifecycle event"}.get(section, "key")
                raise ProfileError(str(unknown_key(path, f"[{section}]", key, SECTIONS[section], what)))
    optional = OPTIONAL_SECTIONS if _kind(path, doc) == "orders" else (*OPTIONAL_SECTIONS, "events", "status")
    for section in SECTIONS:
        if section not in doc and section not in optional:
            raise ProfileError(f"{path}: section [{section}] is missing")


def _choice(path: Path, doc: dict, key: str, allowed: tuple[str, ...]) -> str:
    value = doc.get("source", {}).get(key, allowed[0]) if isinstance(doc.get("source"), dict) else allowed[0]
    if value not in allowed:
        raise ProfileError(f"{path}: [source] {key} = {value!r}; use one of {', '.join(allowed)}")
    return str(value)


def _kind(path: Path, doc: dict) -> str:
    """orders (the default), items or payments; the last two never write an order row (nor its status)."""
    kind = _choice(path, doc, "kind", KINDS)
    if kind != "orders" and "status" in doc:
        raise ProfileError(f"{path}: [status] is for orders files; an {kind} file never changes a status")
    if kind == "payments" and "paid" not in doc.get("events", {}):
        raise ProfileError(f"{path}: [events] is missing required key 'paid' (a payments file dates payments)")
    if kind == "items" and not set(doc.get("columns", {})) & set(LINE_FIELDS):
        raise ProfileError(f"{path}: [columns] names no line field; an items file needs one of {LINE_FIELDS}")
    return kind


def _status_map(path: Path, channel: str, status: dict, base: StatusMap) -> StatusMap:
    """The channel's section of status_map.toml (or the one `map` names), overridden by inline `values`."""
    section = str(status.get("map", channel))
    merged = dict(base.sections.get(section, {}))
    values = status.get("values", {})
    if not isinstance(values, dict):
        raise ProfileError(f'{path}: [status] values must be a table of "raw status" = "canonical status"')
    for raw, target in values.items():
        if target not in lifecycle.STATUSES:
            raise ProfileError(
                f"{path}: [status.values] {raw!r} = {target!r} is not a canonical status; "
                f"use one of {', '.join(lifecycle.STATUSES)}"
            )
        merged[" ".join(raw.split()).casefold()] = target
    return StatusMap({channel: merged, COMMON: base.sections.get(COMMON, {})}, f"{path} [status]")


def _amounts(path: Path, table: dict) -> AmountRule:
    rule = AmountRule(
        decimal=table.get("decimal", "."), thousands=table.get("thousands", ","), refunds=table.get("refunds", False)
    )
    if rule.decimal not in DECIMALS or rule.thousands not in THOUSANDS or rule.decimal == rule.thousands:
        raise ProfileError(
            f"{path}: [amounts] decimal must be one of {DECIMALS} and thousands one of {THOUSANDS}, "
            f"and they must differ (got {rule.decimal!r}, {rule.thousands!r})"
        )
    if not isinstance(rule.refunds, bool):
        raise ProfileError(f"{path}: [amounts] refunds must be true or false")
    return rule


def _limits(path: Path, table: dict) -> Limits:
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ProfileError(f"{path}: [limits] {key} must be a whole number of at least 1")
    return Limits(**table)


def read_profile(path: Path) -> dict:
    """The profile's TOML document; ProfileError naming the file when it cannot be read or parsed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read profile ({exc})") from exc


def profile_kind(path: Path) -> str | None:
    """The [source] kind of a profile (orders, scans, stock, settlements …), None when unreadable: the
    loader for its kind then says what is wrong with it."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8")).get("source", {}).get("kind")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return None


def load_profile(path: str | Path, *, status_map: StatusMap | None = None) -> Profile:
    """Read and validate a profile TOML file."""
    path = Path(path)
    doc = read_profile(path)
    _check_keys(path, doc)
    source, columns, events, status = doc["source"], doc["columns"], doc.get("events", {}), doc.get("status", {})
    channel = str(_need(path, source, "source", "channel"))
    tz_name = str(_need(path, source, "source", "timezone"))
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ProfileError(f"{path}: [source] timezone {tz_name!r} is not a known IANA zone") from exc
    _need(path, columns, "columns", "platform_order_id")
    kind = _kind(path, doc)
    if kind == "orders":
        _need(path, events, "events", "placed")
    if kind == "orders" and "currency" not in source and "currency" not in columns:
        raise ProfileError(
            f"{path}: [source] is missing required key 'currency' (or map a [columns] currency)"
        )
    status_cols = _need(path, status, "status", "column") if kind == "orders" else ()
    status_cols = (status_cols,) if isinstance(status_cols, str) else tuple(status_cols)  # type: ignore[arg-type]
    status_cols = tuple(map(column_key, status_cols))
    for section, table in (("columns", columns), ("events", events)):
        for key, column in table.items():
            if not isinstance(column, str) or not column:
                raise ProfileError(f"{path}: [{section}] {key!r} must name a column (a non-empty string)")
    columns = {key: column_key(name) for key, name in columns.items()}
    events = {key: column_key(name) for key, name in events.items()}
    formats = source.get("date_formats", [])
    group_by = [column_key(source["group_by"])] if source.get("group_by") else []
    return Profile(
        path=path,
        channel=channel,
        shop=str(_need(path, source, "source", "shop")),
        timezone=zone,
        columns=dict(columns),
        events=dict(events),
        status_columns=status_cols,
        status_map=_status_map(path, channel, status, status_map or default_status_map()),
        currency=source.get("currency"),
        date_formats=tuple(formats if isinstance(formats, list) else [formats]),
        encoding=str(source.get("encoding", "utf-8-sig")),
        sheet=source.get("sheet"),
        split_address=bool(source.get("split_address", False)),
        group_by=group_by[0] if group_by else None,
        required_columns=tuple(dict.fromkeys([*columns.values(), *events.values(), *status_cols, *group_by])),
        amounts=_amounts(path, doc.get("amounts", {})),
        limits=_limits(path, doc.get("limits", {})),
        kind=kind,
        unknown_orders=_choice(path, doc, "unknown_orders", UNKNOWN_ORDERS),
    )
