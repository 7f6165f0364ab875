"""One pull of one (channel, shop): fetch → raw archive → normalize → lake → channel_runs → watermark.

Order of writes is the safety argument. Raw payloads land first, so whatever we saw is kept even if
normalizing it fails. Within a flush, lines, events and exceptions land before the orders they belong
to, so an order row in the lake implies its children are there too. Everything is keyed
deterministically, so a crash at any point followed by a re-run leaves the same current state as one
clean run. The watermark moves last, only after a run that fetched its whole window.

A payload the normalizer refuses (`BadRecord`: schema drift, a missing field) is quarantined: its raw
row stays and a `sync_failure` exception says which field and why. After `max_failures` of them in one
run the channel is paused (`<data>/state/paused.json`) with a `channel_paused` alert; other channels go
on, and only `models.channel_state.resume()` (a person, from the Channels page) restarts it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from ingest.config import ChannelConfig, load_channels
from ingest.connectors.base import Connector, Payload
from ingest.http import FatalError, HttpClient, IngestError, RetriableError
from ingest.normalize.page import laid_out
from ingest.normalize.registry import module_for
from ingest.normalize.rows import Assembled
from ingest.platforms import connector_class
from ingest.state import Watermarks, locked, state_dir
from ingest.tokens import ReauthorizeNeeded, reauthorize_hint
from models import channel_state, ids, lake
from models.corrections import keep_corrections
from models.db import retry_vanished
from models.redact import redact
from models.settings import Settings

log = logging.getLogger(__name__)
TABLES = ("order_lines", "order_events", "exceptions", "orders")  # write order: children first


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class RunResult:
    """What one pull did; also the `channel_runs` row."""

    run_id: str
    channel: str
    shop_id: str
    started_at: datetime
    window_from: datetime | None = None
    window_to: datetime | None = None
    finished_at: datetime | None = None
    pages: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    rejected: int = 0
    quarantined: int = 0
    http_errors: int = 0
    outcome: str = "running"
    error: str | None = None
    watermark: datetime | None = None
    unchanged: int = 0  # fetched again with no newer version: not written, not stored in channel_runs

    def row(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "unchanged"}


class Paused_(Exception):
    """Internal control flow: the failure limit was reached; never escapes run_channel."""


@dataclass
class Batch:
    """Normalized rows buffered between lake writes, with the bookkeeping that spans flushes."""

    cfg: ChannelConfig
    connector: Connector
    settings: Settings
    result: RunResult
    known: dict[str, int]  # order_id → newest updated_at (epoch µs) already in the lake
    now: Callable[[], datetime]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"raw": [], "exceptions": []})
    orders: list[Assembled] = field(default_factory=list)  # laid out as tables at flush (ingest.normalize.page)
    seen: dict[str, str] = field(default_factory=dict)  # platform id → sha256 of its payload in this run
    buffered: int = 0

    def add(self, records: Iterable[Payload], kind: str, fetched_at: datetime) -> None:
        """Archive and normalize one page; flush when the buffer is full; pause past the failure limit."""
        r, cfg = self.result, self.cfg
        for rec in records:
            r.fetched += 1
            text = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            pid = self.connector.platform_order_id(rec)
            if pid is not None and self.seen.get(pid) == sha:
                continue  # the same payload twice in one run (overlapping pages): nothing new
            if pid is not None:
                self.seen[pid] = sha
            self.rows["raw"].append(
                {
                    "channel": cfg.channel,
                    "shop_id": cfg.shop_id,
                    "platform_order_id": pid,
                    "fetched_at": fetched_at,
                    "sha256": sha,
                    "batch_id": r.run_id,
                    "kind": kind,
                    "payload": text,
                }
            )
            failure = self._normalize_into(rec, pid, sha, fetched_at)
            if failure:
                self.rows["exceptions"].append(failure)
            self.buffered += 1
        if r.quarantined + r.rejected >= cfg.max_failures:
            self.flush()
            raise Paused_()
        if self.buffered >= cfg.flush_every:
            self.flush()

    def flush(self) -> None:
        """Raw first, then children, then orders: an order row in the lake implies the rest is there."""
        rows, done, self.rows, self.orders = self.rows, self.orders, {"raw": [], "exceptions": []}, []
        self.buffered = 0
        tables: dict[str, Any] = dict(zip(("orders", "order_lines", "order_events"), laid_out(done), strict=True))
        platform_rows = [a.order for a in done]
        corrected = keep_corrections(self.settings.lake_dir, platform_rows)  # console fixes stick
        if corrected is not platform_rows:  # lines and events keep the platform's values, as before
            tables["orders"] = corrected
        tables["exceptions"] = rows["exceptions"]
        lake.write(self.settings.lake_dir, "raw", rows["raw"])
        for table in TABLES:
            lake.write(self.settings.lake_dir, table, tables[table])
        if done:  # events that came before their order attach first: the rules see its real stage
            from ingest.events.inbox import attach_waiting

            attach_waiting(self.settings, self.now())
        route_written(self.settings, [a.order["order_id"] for a in done], self.now())

    def _normalize_into(
        self, rec: Payload, pid: str | None, sha: str, fetched_at: datetime
    ) -> dict[str, Any] | None:
        """Normalize one payload into `rows`; returns a sync_failure exception row when it fails."""
        from ingest.normalize.base import BadRecord

        r = self.result
        try:
            if pid is None:
                raise BadRecord(self.cfg.channel, self.connector.id_field, "no platform order id")
            _, out = module_for(self.connector.platform).normalize.assembled(
                rec, shop_id=self.cfg.shop_id, fetched_at=fetched_at, batch_id=r.run_id
            )
        except BadRecord as exc:
            r.quarantined += 1
            what = f"field {getattr(exc, 'field', '?')!r}: {getattr(exc, 'reason', exc)}"
            return self._sync_failure(pid, sha, what)
        except Exception as exc:  # a normalizer bug must not stop the other orders
            r.rejected += 1
            log.exception("%s: normalizer crashed on order %s", self.cfg.key, pid)
            return self._sync_failure(pid, sha, f"normalizer error {exc.__class__.__name__}: {exc}")
        order = out.order
        version = _epoch_us(order["updated_at"])
        before = self.known.get(order["order_id"])
        if before is not None and version <= before:
            r.unchanged += 1
            return None
        if before is None:
            r.new += 1
        else:
            r.updated += 1
        self.known[order["order_id"]] = version
        self.orders.append(out)
        self.rows["exceptions"].extend(out.exceptions)
        return None

    def _sync_failure(self, pid: str | None, sha: str, what: str) -> dict[str, Any]:
        cfg, at = self.cfg, self.now()
        where = f"{cfg.key} order {pid or '(no id)'}"
        return {
            "exception_id": ids.stable_hash("sync_failure", cfg.channel, cfg.shop_id, pid, sha),
            "order_id": ids.order_id(cfg.channel, cfg.shop_id, pid) if pid else None,
            "type": "sync_failure",
            "severity": "high",
            "rule_id": "ingest.normalize",
            "status": "open",
            "detected_at": at,
            "source": "ingest",
            "updated_at": at,
            "ingested_at": at,
            "batch_id": self.result.run_id,
            "note": f"{where}: quarantined, {what}. Raw payload kept (sha256 {sha[:12]}, batch "
            f"{self.result.run_id}); fix the field map, then resume the channel.",
        }


def _epoch_us(value: datetime) -> int:
    return int(value.timestamp() * 1_000_000)


def known_versions(settings: Settings, channel: str, shop_id: str) -> dict[str, int]:
    """order_id → newest `updated_at` (epoch µs) of this shop's orders already in the lake; listed again when a
    compaction (another process's) removed a file between the listing and the read."""
    def read() -> dict[str, int]:
        files = [p.as_posix() for p in lake.data_files(settings.lake_dir, "orders")]
        if not files:
            return {}
        con = duckdb.connect()
        try:
            rows = con.execute(
                "select order_id, epoch_us(max(updated_at)) from read_parquet($files, hive_partitioning=false, "
                "union_by_name=true) where channel = $channel and shop_id = $shop group by order_id",
                {"files": files, "channel": channel, "shop": shop_id},
            ).fetchall()
        finally:
            con.close()
        return {oid: int(us) for oid, us in rows if us is not None}
    return retry_vanished(read)


def route_written(settings: Settings, order_ids: list[str], at: datetime | None = None) -> None:
    """Route the orders just written. A broken rule set must not stop intake: the failure is logged and
    the scheduler's periodic `route_open_orders` picks these orders up again."""
    if not order_ids:
        return
    from models.rules.apply import route_batch

    try:
        route_batch(settings.lake_dir, order_ids, now=at)
    except Exception:
        log.exception("routing %d new order(s) failed; the periodic rules job will retry", len(order_ids))
    reserve_written(settings, order_ids)


def reserve_written(settings: Settings, order_ids: list[str]) -> None:
    """Reserve stock for the orders just written and routed (models/inventory/reserve.py); on failure the
    scheduler's `reservations` job reserves them on its next run, in the order they were paid."""
    from models.inventory.reserve import run_pass

    try:
        run_pass(settings, order_ids)
    except Exception:
        log.exception("reserving stock for %d order(s) failed; the reservations job will retry", len(order_ids))


def run_channel(
    cfg: ChannelConfig,
    settings: Settings,
    *,
    now: Callable[[], datetime] = utcnow,
    client: HttpClient | None = None,
) -> RunResult:
    """Pull one (channel, shop) once. Never raises for the channel's own failures: they are the outcome."""
    started = now()
    result = RunResult(
        f"{cfg.channel}-{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}", cfg.channel, cfg.shop_id, started
    )
    if channel_state.pause_of(settings, cfg.channel, cfg.shop_id):
        result.outcome = "skipped_paused"
        log.info("%s is paused; resume it to pull again", cfg.key)
        return result
    lock = state_dir(settings.data_dir) / "locks" / f"{cfg.channel}-{cfg.shop_id}"
    with locked(lock, blocking=False) as got:
        if not got:
            result.outcome = "skipped_busy"
            log.info("%s: another pull of this channel is running", cfg.key)
            return result
        return _run_locked(cfg, settings, result, now, client)


def _run_locked(
    cfg: ChannelConfig,
    settings: Settings,
    result: RunResult,
    now: Callable[[], datetime],
    client: HttpClient | None,
) -> RunResult:
    marks = Watermarks(settings.data_dir)
    result.window_to = result.started_at
    result.window_from = marks.window_start(
        cfg.channel,
        cfg.shop_id,
        result.started_at,
        timedelta(minutes=cfg.overlap_minutes),
        timedelta(days=cfg.initial_lookback_days),
    )
    result.watermark = marks.get(cfg.channel, cfg.shop_id)
    connector = batch = None
    try:
        connector = connector_class(cfg.channel)(cfg, client, data_dir=settings.data_dir)
        known = known_versions(settings, cfg.channel, cfg.shop_id)
        batch = Batch(cfg, connector, settings, result, known, now)
        for page in connector.fetch(result.window_from, result.window_to):
            result.pages += 1
            batch.add(page.records, page.kind, now())
        batch.flush()
        result.outcome = "ok"
    except Paused_:
        _pause(cfg, settings, result, now, _failures_reason(cfg, result), FIX_FIELD_MAP)
    except ReauthorizeNeeded as exc:
        _flush_quietly(batch, result)
        hint = reauthorize_hint(cfg.channel, cfg.shop_id)
        reason = f"the access token could not be renewed, {hint} ({redact(str(exc))})"
        _pause(cfg, settings, result, now, reason, hint.capitalize())
    except IngestError as exc:
        result.outcome = "failed" if isinstance(exc, RetriableError) else "fatal"
        result.error = redact(str(exc))
        _flush_quietly(batch, result)
        log.error("%s: run %s %s: %s", cfg.key, result.run_id, result.outcome, exc)
    if connector is not None:
        result.http_errors = connector.client.stats.http_errors
    result.finished_at = now()
    if result.outcome == "ok":
        result.watermark = result.window_to
    lake.write(settings.lake_dir, "channel_runs", [result.row()])
    if result.outcome == "ok":
        marks.set(cfg.channel, cfg.shop_id, result.window_to, result.run_id)
    log.info(
        "%s: %s fetched=%d new=%d updated=%d quarantined=%d rejected=%d pages=%d http_errors=%d",
        cfg.key,
        result.outcome,
        result.fetched,
        result.new,
        result.updated,
        result.quarantined,
        result.rejected,
        result.pages,
        result.http_errors,
    )
    return result


def _flush_quietly(batch: Batch | None, result: RunResult) -> None:
    """Keep what a failed run already fetched: the writes are idempotent and save the next run work."""
    if batch is not None:
        batch.flush()


FIX_FIELD_MAP = "See its sync_failure exceptions, fix the field map"


def _failures_reason(cfg: ChannelConfig, result: RunResult) -> str:
    failed = result.quarantined + result.rejected
    return (
        f"{failed} payload(s) failed normalization in run {result.run_id} (limit {cfg.max_failures}): "
        "the platform's schema may have changed"
    )


def _pause(
    cfg: ChannelConfig,
    settings: Settings,
    result: RunResult,
    now: Callable[[], datetime],
    reason: str,
    advice: str,
) -> None:
    """Stop the channel until someone resumes it, with a critical `channel_paused` alert saying why and
    what to do first."""
    at = now()
    result.outcome, result.error = "paused", reason
    channel_state.pause(settings, cfg.channel, cfg.shop_id, reason, result.run_id, at)
    lake.write(
        settings.lake_dir,
        "exceptions",
        [
            {
                "exception_id": ids.stable_hash("channel_paused", cfg.channel, cfg.shop_id, result.run_id),
                "type": "channel_paused",
                "severity": "critical",
                "rule_id": "ingest.pause",
                "status": "open",
                "detected_at": at,
                "source": "ingest",
                "updated_at": at,
                "ingested_at": at,
                "batch_id": result.run_id,
                "note": f"{cfg.key} paused: {reason}. {advice}, then press Resume on the Channels page.",
            }
        ],
    )
    log.error("%s paused: %s", cfg.key, reason)


def run_all(
    settings: Settings,
    *,
    channel: str | None = None,
    shop_id: str | None = None,
    now: Callable[[], datetime] = utcnow,
) -> list[RunResult]:
    """Pull every enabled channel (or the one asked for); one channel's failure never stops the next."""
    results = []
    for cfg in load_channels(settings):
        if not cfg.enabled or (channel and cfg.channel != channel) or (shop_id and cfg.shop_id != shop_id):
            continue
        try:
            results.append(run_channel(cfg, settings, now=now))
        except Exception:  # e.g. a full disk: log it, try the other channels
            log.exception("%s: run crashed", cfg.key)
            results.append(RunResult("crashed", cfg.channel, cfg.shop_id, now(), outcome="crashed"))
    return results


__all__ = ["FatalError", "RunResult", "run_all", "run_channel"]
