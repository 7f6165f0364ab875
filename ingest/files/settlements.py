"""Settlement / payout / income reports (CSV or XLSX) into `settlements`, by a profile with kind = "settlements".

    python -m ingest import payouts.csv --profile docs/profiles/shopify-payouts.toml

Two layouts, one profile format (docs/file-import.md, docs/reconciliation.md):
- a ledger: one row per transaction, a type column and an amount column (`[columns] type`, `amount`,
  `[types]` mapping the report's words to line types, "skip" for rows that are not about an order,
  such as the payout itself);
- a statement: one row per order, one column per component (`[lines] commission = "Commission Fee"`).
Both may be mixed (Shopify's ledger has a Fee column beside Amount). Every non-zero cell is one line.
`[amounts] negate` lists the line types a report prints positive although they are deducted.

A line's id is the report's own id column, else a digest of the row's content and its occurrence in the
file, so a re-import stores nothing new but two identical rows (a payout listing an order twice) stay two.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.files import cells
from ingest.files.amounts import DECIMALS, THOUSANDS, AmountRule
from ingest.files.importer import _write_rejects
from ingest.files.limits import Limits
from ingest.files.profile import ProfileError, column_key, profile_kind, read_profile
from ingest.files.tables import read_table
from ingest.settlements import settlement_line, store_settlements
from models.config_check import check_keys
from models.schema import SETTLEMENT_LINE_TYPES
from models.settings import Settings

SOURCE_KEYS = {"kind", "channel", "shop", "report", "currency", "timezone", "date_formats", "encoding", "sheet",
               "order_prefix"}
COLUMNS = {"id", "platform_order_id", "settled_at", "currency", "payout_id", "type", "amount"}
SECTIONS = {"source", "columns", "lines", "types", "amounts", "limits"}
SKIP = "skip"


@dataclass(frozen=True)
class SettlementProfile:
    """A settlement report profile; `path`, `limits`, `sheet`, `encoding`, `required_columns` for the reader."""

    path: Path
    channel: str
    shop: str
    report: str
    timezone: ZoneInfo
    columns: dict[str, str]
    lines: dict[str, str]  # line type → the column holding that component (statement layout)
    types: dict[str, str]  # the report's type word → line type or "skip" (ledger layout)
    currency: str | None = None
    order_prefix: str = ""
    negate: tuple[str, ...] = ()
    amount_rule: AmountRule = field(default_factory=lambda: AmountRule(refunds=True))
    date_formats: tuple[str, ...] = ()
    encoding: str = "utf-8-sig"
    sheet: str | None = None
    limits: Limits = field(default_factory=Limits)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.columns.values(), *self.lines.values()]))


def is_settlement_profile(path: Path) -> bool:
    """True for a profile whose [source] kind is "settlements"."""
    return profile_kind(path) == "settlements"


def _problems(doc: dict[str, Any]) -> list[str]:
    source, columns, lines = doc.get("source", {}), doc.get("columns", {}), doc.get("lines", {})
    types, negate = doc.get("types", {}), doc.get("amounts", {}).get("negate", [])
    out = [f"[columns] is missing {k!r}" for k in ("platform_order_id", "settled_at") if k not in columns]
    out += [f"[source] is missing {k!r}" for k in ("channel", "shop", "report", "timezone") if k not in source]
    out += [] if "currency" in source or "currency" in columns else ["give [source] currency or [columns] currency"]
    out += [] if lines or "amount" in columns else ["name an [columns] amount (with type) or some [lines]"]
    out += [f"[lines] {k!r} is not a line type ({', '.join(SETTLEMENT_LINE_TYPES)})" for k in lines
            if k not in SETTLEMENT_LINE_TYPES]
    out += [f"[types] {k!r} = {v!r}: use a line type or \"skip\"" for k, v in types.items()
            if v not in (*SETTLEMENT_LINE_TYPES, SKIP)]
    out += [] if "type" not in columns or types else ["[columns] type needs a [types] table"]
    out += [f"[amounts] negate: {k!r} is not a line type" for k in negate if k not in SETTLEMENT_LINE_TYPES]
    out += [f"[{s}] {k!r} must name a column" for s, t in (("columns", columns), ("lines", lines))
            for k, v in t.items() if not isinstance(v, str) or not v]
    return out


def _check(path: Path, doc: dict[str, Any]) -> None:
    check_keys(path, "", doc, SECTIONS, "section")
    check_keys(path, "[source]", doc.get("source", {}), SOURCE_KEYS)
    check_keys(path, "[columns]", doc.get("columns", {}), COLUMNS, "column field")
    check_keys(path, "[amounts]", doc.get("amounts", {}), {"decimal", "thousands", "negate"})
    problems = _problems(doc)
    if problems:
        raise ProfileError(f"{path}: {problems[0]}")


def _zone(path: Path, name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ProfileError(f"{path}: [source] timezone {name!r} is not a known IANA zone") from exc


def _rule(path: Path, amounts: dict[str, Any]) -> AmountRule:
    rule = AmountRule(decimal=amounts.get("decimal", "."), thousands=amounts.get("thousands", ","), refunds=True)
    if rule.decimal not in DECIMALS or rule.thousands not in THOUSANDS or rule.decimal == rule.thousands:
        raise ProfileError(f"{path}: [amounts] decimal must be one of {DECIMALS} and thousands one of {THOUSANDS}, "
                           "and they must differ")
    return rule


def load_settlement_profile(path: str | Path) -> SettlementProfile:
    """Read and validate a settlement profile; ProfileError naming the file, section and key."""
    path = Path(path)
    doc = read_profile(path)
    try:
        _check(path, doc)
    except ProfileError:
        raise
    except ValueError as exc:  # check_keys' ConfigError: already names the file and key
        raise ProfileError(str(exc)) from None
    source, amounts, formats = doc["source"], doc.get("amounts", {}), doc["source"].get("date_formats", [])
    return SettlementProfile(
        path=path, channel=str(source["channel"]), shop=str(source["shop"]), report=str(source["report"]),
        timezone=_zone(path, str(source["timezone"])),
        columns={k: column_key(v) for k, v in doc["columns"].items()},
        lines={k: column_key(v) for k, v in doc.get("lines", {}).items()},
        types={" ".join(str(k).split()).casefold(): str(v) for k, v in doc.get("types", {}).items()},
        currency=source.get("currency"), order_prefix=str(source.get("order_prefix", "")),
        negate=tuple(amounts.get("negate", [])), amount_rule=_rule(path, amounts),
        date_formats=tuple(formats if isinstance(formats, list) else [formats]),
        encoding=str(source.get("encoding", "utf-8-sig")), sheet=source.get("sheet"),
        limits=Limits(**doc.get("limits", {})))


class RowProblem(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name


def _cell(profile: SettlementProfile, row: dict[str, Any], key: str) -> str | None:
    return cells.text(row.get(profile.columns[key])) if key in profile.columns else None


def _order_ref(profile: SettlementProfile, row: dict[str, Any]) -> str | None:
    ref = cells.order_ref(row.get(profile.columns["platform_order_id"]))
    if ref and profile.order_prefix and ref.startswith(profile.order_prefix):
        ref = ref[len(profile.order_prefix):]
    return ref or None


def _components(profile: SettlementProfile, row: dict[str, Any], currency: str) -> list[tuple[str, str, int]]:
    """(line type, column, minor units) of every non-zero amount the row holds."""
    wanted = [(t, c) for t, c in profile.lines.items()]
    if "amount" in profile.columns:
        word = " ".join((_cell(profile, row, "type") or "").split()).casefold()
        kind = profile.types.get(word, "sale" if "type" not in profile.columns else None)
        if kind is None:
            raise RowProblem(f"type ({profile.columns['type']})",
                             f"{word!r} is not in the profile's [types]; add it (a line type or \"skip\")")
        if kind == SKIP:
            return []
        wanted.insert(0, (kind, profile.columns["amount"]))
    out = []
    for line_type, column in wanted:
        try:
            cents = cells.amount(row.get(column), currency, profile.amount_rule)
        except ValueError as exc:
            raise RowProblem(f"{line_type} ({column})", str(exc)) from None
        if cents:
            out.append((line_type, column, -cents if line_type in profile.negate else cents))
    return out


def _row_lines(profile: SettlementProfile, row: dict[str, Any], key: str, batch: str) -> list[dict[str, Any]]:
    currency = (_cell(profile, row, "currency") or profile.currency or "").upper()
    if len(currency) != 3:
        raise RowProblem("currency", f"{currency or '(blank)'!r} is not a currency code")
    try:
        at = cells.timestamp(row.get(profile.columns["settled_at"]), profile.timezone, profile.date_formats)
    except ValueError as exc:
        raise RowProblem(f"settled_at ({profile.columns['settled_at']})", str(exc)) from None
    if at is None:
        raise RowProblem(f"settled_at ({profile.columns['settled_at']})", "blank")
    ref, payout = _order_ref(profile, row), _cell(profile, row, "payout_id")
    comps = _components(profile, row, currency)
    if comps and ref is None:
        raise RowProblem(f"platform_order_id ({profile.columns['platform_order_id']})",
                         "blank: a line with an amount must name its order")
    return [settlement_line(f"{key}:{column}", profile.channel, profile.shop, ref, line_type, cents, currency, at,
                            report=profile.report, payout_id=payout, batch_id=batch)
            for line_type, column, cents in comps]


def _keys(profile: SettlementProfile, rows: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """The report's id of each row, else a digest of its content plus its occurrence among equal rows."""
    seen: dict[str, int] = {}
    keys = []
    for _, row in rows:
        own = _cell(profile, row, "id")
        digest = hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        keys.append(own or f"{digest}#{seen[digest]}")
    return keys


@dataclass
class SettlementResult:
    path: Path
    rows: int = 0
    lines: int = 0
    rejected_rows: int = 0
    reject_file: Path | None = None
    findings: int = 0


def import_settlements(path: Path, profile: SettlementProfile, settings: Settings, *,
                       now: datetime | None = None) -> SettlementResult:
    """Store a report's lines; rows that cannot be read go to the reject file with row, field and reason."""
    now = now or datetime.now(UTC)
    rows = read_table(path, profile)  # type: ignore[arg-type]  # the reader needs only the file settings
    batch = "file-" + hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    result, lines, rejects = SettlementResult(path, rows=len(rows)), [], []
    for (n, row), key in zip(rows, _keys(profile, rows), strict=True):
        try:
            lines += _row_lines(profile, row, key, batch)
        except RowProblem as exc:
            rejects.append((n, _order_ref(profile, row) or "", exc.field, str(exc)))
    if rejects:
        result.reject_file = _write_rejects(settings.data_dir / "rejects", path, now, rejects)
    result.lines, result.rejected_rows = len(lines), len(rejects)
    result.findings = store_settlements(settings, lines, now=now).found
    return result


def run(path: Path, profile_path: Path, settings: Settings) -> int:
    """The import command for a settlement report: what was stored and rejected; exit code."""
    result = import_settlements(path, load_settlement_profile(profile_path), settings)
    print(f"stored {result.lines} settlement line(s) from {result.rows} row(s) of {path}; "
          f"{result.findings} reconciliation finding(s) now open")
    if result.reject_file:
        print(f"{result.rejected_rows} row(s) rejected; see {result.reject_file}", file=sys.stderr)
        return 1
    return 0
