"""Stock files (a warehouse's CSV/XLSX 库存/盘点 or 出入库 export) into counts and movements.

    python -m ingest import stock.xlsx --profile docs/profiles/stock-counts.toml
    result = import_stock(Path("stock.csv"), load_stock_profile(path), settings)

A profile with `[source] kind = "stock"` maps the file's columns: `sku`, `warehouse` (or a fixed
`[source] warehouse`), `occurred_at`, and either `on_hand` (a count; optional `safety_stock`) or `qty`
with `kind` (a movement; the file's own words for kinds in `[kinds]`) and optional `ref`. A row that
cannot be stored (no SKU, not a whole number, a time that does not parse, an unknown kind) goes to the
reject file with its row number, field and reason; the other rows are stored. Re-importing a file
writes the same keys again, which the views keep once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.files import cells
from ingest.files.importer import _write_rejects
from ingest.files.limits import Limits
from ingest.files.profile import ProfileError, column_key, profile_kind, read_profile
from ingest.files.tables import read_table
from models.inventory.stock import MOVEMENT_KINDS, record_counts, record_movements
from models.settings import Settings

FIELDS = ("sku", "warehouse", "occurred_at", "on_hand", "safety_stock", "qty", "kind", "ref")
SOURCE_KEYS = {"kind", "source", "warehouse", "timezone", "date_formats", "encoding", "sheet"}


@dataclass(frozen=True)
class StockProfile:
    path: Path
    source: str
    timezone: ZoneInfo
    columns: dict[str, str]
    kinds: dict[str, str]
    warehouse: str | None = None
    date_formats: tuple[str, ...] = ()
    encoding: str = "utf-8-sig"
    sheet: str | None = None
    limits: Limits = field(default_factory=Limits)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.columns.values()))

    @property
    def counts(self) -> bool:
        return "on_hand" in self.columns


@dataclass
class StockImport:
    path: Path
    rows: int = 0
    counts: int = 0
    movements: int = 0
    rejected_rows: int = 0
    reject_file: Path | None = None


def is_stock_profile(path: Path) -> bool:
    return profile_kind(path) == "stock"


def _problems(source: dict, columns: dict, kinds: dict, doc: dict) -> list[str]:
    out = [f"unknown section [{s}]" for s in doc if s not in ("source", "columns", "kinds", "limits")]
    out += [f"[source] unknown key {k!r}" for k in source if k not in SOURCE_KEYS]
    out += [f"[columns] unknown field {k!r} (known: {', '.join(FIELDS)})" for k in columns if k not in FIELDS]
    out += [f"[columns] is missing {k!r}" for k in ("sku", "occurred_at") if k not in columns]
    out += [] if "warehouse" in columns or source.get("warehouse") else ["[columns] warehouse or [source] warehouse"]
    one = ("on_hand" in columns) != ("qty" in columns)
    out += [] if one else ["[columns] maps on_hand (counts) or qty (movements)"]
    out += [] if "on_hand" in columns or "kind" in columns else ["[columns] a movements file needs kind"]
    out += [f"[kinds] {k!r} = {v!r}: not one of {', '.join(MOVEMENT_KINDS)}" for k, v in kinds.items()
            if v not in MOVEMENT_KINDS]
    return out


def load_stock_profile(path: str | Path) -> StockProfile:
    """Read and validate a stock profile; ProfileError naming the file and the first problem."""
    path = Path(path)
    doc = read_profile(path)
    source, columns, kinds = doc.get("source", {}), doc.get("columns", {}), doc.get("kinds", {})
    problems = _problems(source, columns, kinds, doc)
    if problems:
        raise ProfileError(f"{path}: {problems[0]}")
    try:
        zone = ZoneInfo(str(source.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ProfileError(f"{path}: [source] timezone {source.get('timezone')!r} is not a known IANA zone") from exc
    formats = source.get("date_formats", [])
    return StockProfile(path=path, source=str(source.get("source", "upload")), timezone=zone,
                        columns={k: column_key(v) for k, v in columns.items()},
                        kinds={str(k): str(v) for k, v in kinds.items()}, warehouse=source.get("warehouse"),
                        date_formats=tuple(formats if isinstance(formats, list) else [formats]),
                        encoding=str(source.get("encoding", "utf-8-sig")), sheet=source.get("sheet"),
                        limits=Limits(**doc.get("limits", {})))


def _whole(value: Any, name: str, *, signed: bool) -> int:
    text = cells.text(value) or ""
    digits = text[1:] if signed and text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
        raise ValueError(f"{name}: not a whole number: {text!r}")
    return int(text)


def _row(p: StockProfile, row: dict[str, Any]) -> dict[str, Any]:
    """One file row as a count or movement; ValueError('<field>: <reason>') when it cannot be one."""
    values = {k: cells.text(row.get(col)) for k, col in p.columns.items()}
    if not values.get("sku"):
        raise ValueError("sku: empty")
    out = {"sku": values["sku"], "warehouse": values.get("warehouse") or p.warehouse, "ref": values.get("ref")}
    if not out["warehouse"]:
        raise ValueError("warehouse: empty")
    try:
        at = cells.timestamp(row.get(p.columns["occurred_at"]), p.timezone, p.date_formats)
    except ValueError as exc:
        raise ValueError(f"occurred_at: {exc}") from None
    if at is None:
        raise ValueError("occurred_at: empty")
    if p.counts:
        safety = values.get("safety_stock")
        return {**out, "snapshot_at": at, "on_hand": _whole(values["on_hand"], "on_hand", signed=False),
                "safety_stock": None if not safety else _whole(safety, "safety_stock", signed=False)}
    kind = p.kinds.get(values.get("kind") or "", values.get("kind"))
    if kind not in MOVEMENT_KINDS:
        raise ValueError(f"kind: {values.get('kind')!r} is not a known kind (add it to [kinds])")
    return {**out, "occurred_at": at, "kind": kind, "qty": _whole(values["qty"], "qty", signed=True)}


def import_stock(path: Path, profile: StockProfile, settings: Settings, *, now: datetime | None = None) -> StockImport:
    """Store a stock file's rows; the rows that cannot be stored go to the reject file."""
    now = now or datetime.now(UTC)
    rows = read_table(path, profile)  # type: ignore[arg-type]  # the reader needs only the file settings
    result, good, rejects = StockImport(path, rows=len(rows)), [], []
    for n, row in rows:
        try:
            good.append(_row(profile, row))
        except ValueError as exc:
            where, _, why = str(exc).partition(": ")
            column = profile.columns.get(where, "")
            sku = cells.text(row.get(profile.columns["sku"])) or ""
            rejects.append((n, sku, f"{where} ({column})" if column else where, why))
    if rejects:
        result.reject_file = _write_rejects(settings.data_dir / "rejects", path, now, rejects)
    batch = f"stock-{path.name}-{now:%Y%m%dT%H%M%SZ}"
    if profile.counts:
        result.counts = record_counts(settings.lake_dir, good, source=profile.source, batch_id=batch)
    else:
        result.movements = record_movements(settings.lake_dir, good, source=profile.source, batch_id=batch)
    result.rejected_rows = len(rejects)
    return result


def run(path: Path, profile_path: Path, settings: Settings) -> int:
    """The import command for a stock file; exit code 1 when rows were rejected."""
    result = import_stock(path, load_stock_profile(profile_path), settings)
    print(f"stored {result.counts} count(s) and {result.movements} movement(s) from {result.rows} row(s) of {path}")
    if result.reject_file:
        print(f"{result.rejected_rows} row(s) rejected; see {result.reject_file}", file=sys.stderr)
        return 1
    return 0
