"""Scan logs (a warehouse's or carrier's CSV/XLSX export of scans) into `order_events`, through the intake.

    python -m ingest import scans.csv --profile docs/profiles/wms-scans.toml
    result = import_scans(Path("scans.csv"), load_scan_profile(path), settings)

Each row becomes one event in the shape every intake path accepts (docs/events.md) and goes to the same
store as webhooks and pulls (ingest/events/store.py): deduplicated by source + the scan's own id (a
re-imported file, or a scan also pushed by webhook, is stored once), matched to its order by order id,
platform order id or tracking number, and kept in the inbox when it matches no order yet. A row that
cannot be an event (no scan id, a time that does not parse, an unknown step, no order reference) goes to
the reject file with its row number, field and reason; the other rows are stored.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.events.record import BadEvent, parse
from ingest.events.sources import carrier_codes
from ingest.events.store import store
from ingest.files import cells
from ingest.files.importer import _write_rejects
from ingest.files.limits import Limits
from ingest.files.profile import ProfileError, column_key, profile_kind, read_profile
from ingest.files.tables import Table
from models.settings import Settings

# Fields a scan-log column can fill: the event shape of docs/events.md (`event` is the status for a carrier).
FIELDS = ("id", "event", "occurred_at", "order_id", "platform_order_id", "tracking_no", "channel", "carrier",
          "actor", "warehouse", "detail")
REFS = ("order_id", "platform_order_id", "tracking_no")
SOURCE_KEYS = {"kind", "source", "reports", "channel", "timezone", "date_formats", "encoding", "sheet"}


@dataclass(frozen=True)
class ScanProfile:
    """A scan-log profile; `path`, `limits`, `sheet`, `encoding`, `required_columns` as the file reader needs."""

    path: Path
    source: str
    reports: str  # wms (warehouse steps) or carrier (tracking statuses)
    timezone: ZoneInfo
    columns: dict[str, str]
    steps: dict[str, str]  # the log's own words → canonical step or carrier status
    channel: str | None = None
    date_formats: tuple[str, ...] = ()
    encoding: str = "utf-8-sig"
    sheet: str | None = None
    limits: Limits = field(default_factory=Limits)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.columns.values()))


@dataclass
class ScanResult:
    path: Path
    rows: int = 0
    stored: int = 0
    unmatched: int = 0
    duplicates: int = 0
    rejected_rows: int = 0
    reject_file: Path | None = None


def is_scan_profile(path: Path) -> bool:
    """True for a profile whose [source] kind is "scans" (the order import reads every other kind)."""
    return profile_kind(path) == "scans"


def _checked(path: Path, doc: dict[str, Any]) -> tuple[dict, dict, dict]:
    source, columns, steps = doc.get("source", {}), doc.get("columns", {}), doc.get("events", {})
    problems = [f"unknown section [{s}]" for s in doc if s not in ("source", "columns", "events", "limits")]
    problems += [f"[source] unknown key {k!r}" for k in source if k not in SOURCE_KEYS]
    problems += [f"[columns] unknown field {k!r} (known: {', '.join(FIELDS)})" for k in columns if k not in FIELDS]
    problems += [f"[columns] is missing {k!r}" for k in ("id", "event", "occurred_at") if k not in columns]
    problems += [] if set(columns) & set(REFS) else [f"[columns] needs one of {', '.join(REFS)}"]
    problems += [] if source.get("reports", "wms") in ("wms", "carrier") else ["[source] reports: wms or carrier"]
    problems += [f"[columns] {k!r} must name a column" for k, v in columns.items() if not isinstance(v, str) or not v]
    if problems:
        raise ProfileError(f"{path}: {problems[0]}")
    return source, columns, steps


def load_scan_profile(path: str | Path) -> ScanProfile:
    """Read and validate a scan-log profile; ProfileError naming the file, section and key."""
    path = Path(path)
    doc = read_profile(path)
    source, columns, steps = _checked(path, doc)
    try:
        zone = ZoneInfo(str(source.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ProfileError(f"{path}: [source] timezone {source.get('timezone')!r} is not a known IANA zone") from exc
    formats = source.get("date_formats", [])
    return ScanProfile(
        path=path, source=str(source.get("source", source.get("reports", "wms"))),
        reports=str(source.get("reports", "wms")), timezone=zone,
        columns={k: column_key(v) for k, v in columns.items()}, steps={str(k): str(v) for k, v in steps.items()},
        channel=source.get("channel"), date_formats=tuple(formats if isinstance(formats, list) else [formats]),
        encoding=str(source.get("encoding", "utf-8-sig")), sheet=source.get("sheet"),
        limits=Limits(**doc.get("limits", {})))


def _event(profile: ScanProfile, row: dict[str, Any]) -> dict[str, Any]:
    """One row in the intake's event shape; the time read in the profile's zone."""
    values = {k: cells.text(row.get(col)) for k, col in profile.columns.items()}
    step = values.pop("event") or ""
    values["event" if profile.reports == "wms" else "status"] = profile.steps.get(step, step)
    try:
        at = cells.timestamp(row.get(profile.columns["occurred_at"]), profile.timezone, profile.date_formats)
    except ValueError as exc:
        raise BadEvent(f"occurred_at: {exc}") from None
    values["occurred_at"] = at.isoformat() if at else None
    values["channel"] = values.get("channel") or profile.channel
    values["detail"] = " · ".join(x for x in (values.pop("warehouse", None), values.get("detail")) if x) or None
    return {k: v for k, v in values.items() if v is not None}


SCAN_ROWS = 100_000  # rows stored at a time: a year's scan log takes the memory of one chunk


def import_scans(path: Path, profile: ScanProfile, settings: Settings, *, now: datetime | None = None,
                 chunk_rows: int = SCAN_ROWS) -> ScanResult:
    """Store a scan log's rows as events, `chunk_rows` at a time; the rows that cannot be events go to the
    reject file. The file is checked whole first (`Table`), then read row by row."""
    now = now or datetime.now(UTC)
    table = Table(path, profile)  # type: ignore[arg-type]  # the reader needs only the file settings
    result, records, rejects = ScanResult(path, rows=table.count), [], []
    codes = carrier_codes(settings) if profile.reports == "carrier" else {}
    for n, row in table.keyed():
        try:
            records.append(parse(_event(profile, row), source=profile.source, kind=profile.reports,
                                 received_at=now, codes=codes))
        except BadEvent as exc:
            where, _, why = str(exc).partition(": ")
            column = profile.columns.get(where if where != "status" else "event", "")
            ref = next((cells.text(row.get(profile.columns[k])) for k in REFS if k in profile.columns), None) or ""
            rejects.append((n, ref, f"{where} ({column})" if column else where, why or str(exc)))
        if len(records) >= chunk_rows:
            _store(settings, records, result)
            records = []
    _store(settings, records, result)
    if rejects:
        result.reject_file = _write_rejects(settings.data_dir / "rejects", path, now, rejects)
    result.rejected_rows = len(rejects)
    return result


def _store(settings: Settings, records: list[dict[str, Any]], result: ScanResult) -> None:
    """One chunk's events stored; an event already stored by an earlier chunk counts as a duplicate."""
    stored = store(settings, records)
    result.stored += len(stored.stored)
    result.unmatched += len(stored.unmatched)
    result.duplicates += stored.duplicates


def run(path: Path, profile_path: Path, settings: Settings) -> int:
    """The import command for a scan log: what was stored, kept waiting, skipped and rejected; exit code."""
    result = import_scans(path, load_scan_profile(profile_path), settings)
    print(f"stored {result.stored} event(s) from {result.rows} row(s) of {path}; {result.unmatched} kept until "
          f"their order arrives; {result.duplicates} already stored")
    if result.reject_file:
        print(f"{result.rejected_rows} row(s) rejected; see {result.reject_file}", file=sys.stderr)
        return 1
    return 0
