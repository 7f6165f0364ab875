"""The weekly snapshot: one ISO week's KPIs, charts and incidents, e-mailed to managers on Monday.

    python -m reports.weekly                        # last complete week: send if SMTP is set, else outbox
    python -m reports.weekly --week 2026-W10 --preview week.html
    python -m reports.weekly --send --force --lang zh

Every figure comes from models.kpis (the console's queries) and is formatted by models.formatting, so
the e-mail and the Overview agree to the digit. `scheduled_job()` is the scheduler's hook: it sends last
week's snapshot unless the delivery record says every recipient already has it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd

from models import kpis
from models.access import Access
from models.db import LakeConnection, connect
from models.filelock import state_lock
from models.formatting import format_change, format_value
from models.kpis import Kpi, Scope, headline_kpis
from models.redact import install_log_redaction
from models.settings import Settings, load_settings
from reports import mailer
from reports.config import load_email_config
from reports.snapshot import KpiRow, Snapshot

EVERYTHING = Access()  # the e-mail's scope: every channel, shop and warehouse

log = logging.getLogger(__name__)
EXCEPTION_KPIS = (Kpi("open_exceptions", "count", higher_is_better=False),
                  Kpi("overdue_exceptions", "count", higher_is_better=False))


def parse_week(text: str) -> date:
    """'2026-W10' → the Monday of that ISO week; a clear error otherwise."""
    try:
        year, week = text.upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError as exc:
        raise ValueError(f"--week {text!r}: expected an ISO week like 2026-W10") from exc


def week_name(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(settings: Settings, now: datetime | None = None) -> date:
    """Monday of the last week that has ended in the configured zone."""
    today = (now or datetime.now(UTC)).astimezone(settings.zone).date()
    return today - timedelta(days=today.weekday() + 7)


def build(db: LakeConnection, monday: date, lang: str = "en", as_of: datetime | None = None,
          access: Access = EVERYTHING) -> Snapshot:
    """Every figure of the week's snapshot, computed by the KPI layer the console uses; `access` narrows it
    (the console's preview for a scoped user; the e-mail itself covers everything)."""
    settings, as_of = db.settings, as_of or datetime.now(UTC).replace(second=0, microsecond=0)
    scope = access.narrow(Scope(monday, monday + timedelta(days=6)))
    frames = {name: kpis.run(db, name, scope, as_of) for name in
              ("daily_orders", "daily_lead_time", "exceptions_by_type", "capacity_hourly")}
    now, before = kpis.summary(db, scope, as_of), kpis.summary(db, scope.previous(), as_of)
    now.update(_exception_totals(frames["exceptions_by_type"]))
    before.update(_exception_totals(kpis.run(db, "exceptions_by_type", scope.previous(), as_of)))
    rows = [_row(k, now, before, lang, settings.reporting_currency)
            for k in (*headline_kpis(settings), *EXCEPTION_KPIS)]
    cap = frames["capacity_hourly"]
    incidents = cap[cap["is_alert"]]
    return Snapshot(week_name(monday), scope, lang, settings.timezone, settings.reporting_currency,
                    settings.console_url, settings.capacity_alert_ratio, settings.lead_time_target_hours, rows,
                    frames, as_of, kpis.dimensions(db)["data_as_of"], incidents.reset_index(drop=True))


def _exception_totals(df: pd.DataFrame) -> dict[str, int]:
    return {"open_exceptions": int(df["open"].sum()), "overdue_exceptions": int(df["overdue"].sum())}


def _row(kpi: Kpi, now: dict[str, Any], before: dict[str, Any], lang: str, currency: str) -> KpiRow:
    value, prior = now.get(kpi.key), before.get(kpi.key)
    target = "–" if kpi.target is None else ("≥ " if kpi.higher_is_better else "≤ ") + format_value(
        kpi.target, kpi.unit, lang, currency)
    # compact like the console's cards: the e-mail and the Overview show the same figures
    return KpiRow(kpi.key, kpi.unit, target, format_value(value, kpi.unit, lang, currency, compact=True),
                  format_value(prior, kpi.unit, lang, currency, compact=True),
                  format_change(kpi.unit, value, prior) or "–",
                  kpi.meets(value), value, prior)


def figures(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot's charts: the console's figure builders, plus hourly intake against capacity."""
    from charts import kpis as charts

    f, lang = snapshot.frames, snapshot.lang
    out = {"daily_orders": charts.daily_orders(f["daily_orders"], lang),
           "lead_time": charts.lead_time(f["daily_lead_time"], snapshot.lead_target_hours, lang)}
    if not f["exceptions_by_type"].empty:
        out["exceptions"] = charts.exception_types(f["exceptions_by_type"], lang)
    if not f["capacity_hourly"].empty:
        out["capacity"] = charts.capacity(f["capacity_hourly"], snapshot.capacity_ratio, lang)
    lo, hi = pd.Timestamp(snapshot.scope.start), pd.Timestamp(snapshot.scope.end + timedelta(days=1))
    for name in ("daily_orders", "lead_time"):  # the whole week on the axis, even on a quiet week
        out[name].update_xaxes(range=[lo - pd.Timedelta(hours=12), hi - pd.Timedelta(hours=12)], dtick=86_400_000,
                               tickformat="%a %m-%d")
    if "capacity" in out:
        out["capacity"].update_xaxes(range=[lo, hi], dtick=86_400_000, tickformat="%a %m-%d")
    return out


@dataclass
class Outcome:
    """What a run did: per recipient 'delivered' / 'failed: …' / 'already sent', files written, timings."""

    week: str
    results: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    chart_seconds: list[float] = field(default_factory=list)
    build_seconds: float = 0.0

    def summary(self) -> str:
        parts = [f"{who}: {what}" for who, what in self.results.items()] + [f"wrote {f}" for f in self.files]
        return "; ".join(parts) or "nothing to do"


@dataclass(frozen=True)
class Message:
    """The composed snapshot: the e-mail and a self-contained HTML of it (charts as data: URIs)."""

    email: Any
    html_file: str
    snapshot: Snapshot
    chart_seconds: list[float]


def compose(db: LakeConnection, monday: date, lang: str, sender: str, as_of: datetime | None = None,
            access: Access = EVERYTHING) -> Message:
    """Build, render the charts through one browser, and assemble the multipart message."""
    from reports import reconciliation, render
    from reports.static_charts import render_all

    snap = build(db, monday, lang, as_of, access)
    pngs, timings = render_all(figures(snap))
    cids = {name: mailer.new_cid(name) for name in pngs}
    page = render.html(snap, {name: f"cid:{cid}" for name, cid in cids.items()})
    images = {cids[name]: png for name, png in pngs.items()}
    files = {f"orderhub-kpis-{snap.week}.csv": (render.kpi_csv(snap), "csv"),
             **reconciliation.attachments(db, monday, lang, access, as_of or datetime.now(UTC))}
    email = mailer.compose(render.subject(snap), sender, render.text(snap), page, images, files)
    return Message(email, mailer.inline_images(page, images), snap, timings)


def preview_html(settings: Settings, monday: date, lang: str, access: Access) -> str:
    """The week's snapshot as a self-contained HTML page (what the console's Admin page shows), narrowed to
    the viewer's access."""
    db = connect(settings, materialize=True)  # the mart the console reads
    try:
        return compose(db, monday, lang, "OrderHub <orderhub@localhost>", access=access).html_file
    finally:
        db.close()


def run(settings: Settings, monday: date, mode: str = "auto", force: bool = False, lang: str | None = None,
        path: str | None = None) -> Outcome:
    """Deliver one week's snapshot. mode: 'send' (SMTP), 'outbox' (files), 'preview' (one .html), 'auto'."""
    from time import perf_counter


    started, config = perf_counter(), load_email_config(settings)
    smtp = mailer.SmtpConfig.from_env()
    if mode == "send" and smtp is None:
        raise mailer.ConfigError("--send needs ORDERHUB_SMTP_HOST (see docs/email.md); or use --outbox DIR")
    mode = ("send" if smtp else "outbox") if mode == "auto" else mode
    outcome = Outcome(week_name(monday))
    with state_lock(settings, "weekly"):
        db = connect(settings, materialize=True)  # the mart the console reads
        try:
            targets = _pending(db, outcome, config.snapshot_recipients, mode, force)
            if targets or mode == "preview":
                sender = smtp.sender if smtp else "OrderHub <orderhub@localhost>"
                msg = compose(db, monday, lang or config.lang, sender)
                outcome.chart_seconds = msg.chart_seconds
                _deliver(settings, msg, outcome, targets, mode, smtp, path)
        finally:
            db.close()
    outcome.build_seconds = perf_counter() - started
    return outcome


def _pending(db: LakeConnection, outcome: Outcome, recipients: list[str], mode: str, force: bool) -> list[str]:
    """Recipients still to serve: those without a delivery on record (all of them with --force)."""
    from reports import sent_log

    if mode == "preview":
        return []
    channel, targets = ("email", recipients) if mode == "send" else ("outbox", ["outbox"])
    done = set() if force else {t for c, t in sent_log.delivered(db, "weekly", outcome.week) if c == channel}
    outcome.results.update({t: "already sent" for t in targets if t in done})
    return [t for t in targets if t not in done]


def _deliver(settings: Settings, msg: Message, outcome: Outcome, targets: list[str], mode: str,
             smtp: mailer.SmtpConfig | None, path: str | None) -> None:
    from pathlib import Path

    from reports import sent_log

    if mode == "preview":
        target = Path(path or f"{outcome.week}.html")
        target.write_text(msg.html_file, encoding="utf-8")
        outcome.files.append(str(target))
        return
    if mode == "outbox":
        recipients = load_email_config(settings).snapshot_recipients
        msg.email["To"] = ", ".join(recipients) or "undisclosed-recipients:;"
        folder = Path(path) if path else settings.data_dir / "outbox"
        outcome.files += [str(p) for p in mailer.write_files(folder, f"weekly-{outcome.week}", msg.email,
                                                              msg.html_file)]
        sent_log.record(settings, "weekly", outcome.week, "outbox", "outbox", "written")
        outcome.results["outbox"] = "written"
        return
    for to in targets:  # one recipient at a time, each recorded: a retry never repeats a delivered address
        try:
            _, attempts = sent_log.with_retries(lambda to=to: mailer.send_one(smtp, msg.email, to))
        except sent_log.DeliveryError as exc:
            sent_log.record(settings, "weekly", outcome.week, "email", to, "failed", exc.attempts, str(exc))
            outcome.results[to] = f"failed: {exc}"
            log.error("weekly snapshot %s to %s failed: %s", outcome.week, to, exc)
            continue
        sent_log.record(settings, "weekly", outcome.week, "email", to, "delivered", attempts)
        outcome.results[to] = "delivered"


def scheduled_job(settings: Settings | None = None, now: datetime | None = None) -> Outcome:
    """The scheduler's Monday 09:00 hook (and its catch-up): last week's snapshot, unless already delivered."""
    settings = settings or load_settings()
    outcome = run(settings, last_complete_week(settings, now))
    log.info("weekly snapshot %s: %s", outcome.week, outcome.summary())
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports.weekly", description=__doc__.split("\n")[0])
    parser.add_argument("--week", help="ISO week such as 2026-W47 (default: the last complete week)")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--send", action="store_true", help="send over SMTP (ORDERHUB_SMTP_* must be set)")
    how.add_argument("--outbox", metavar="DIR", help="write .eml and .html into DIR instead of sending")
    how.add_argument("--preview", metavar="FILE.html", help="write only a self-contained HTML preview")
    parser.add_argument("--force", action="store_true", help="send again to recipients who already have it")
    parser.add_argument("--lang", choices=("en", "zh"), help="language (default: [snapshot] lang in email.toml)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    for noisy in ("choreographer", "kaleido", "logistro"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings()
        monday = parse_week(args.week) if args.week else last_complete_week(settings)
        mode = "send" if args.send else "outbox" if args.outbox else "preview" if args.preview else "auto"
        outcome = run(settings, monday, mode, args.force, args.lang, args.outbox or args.preview)
    except (ValueError, OSError, RuntimeError) as exc:  # ConfigError, ChartError, DeliveryError: one clear line
        print(f"weekly snapshot: {exc}", file=sys.stderr)
        return 2
    charts = ", ".join(f"{s:.2f}" for s in outcome.chart_seconds)
    print(f"{outcome.week}: {outcome.summary()} (charts {charts} s; total {outcome.build_seconds:.1f} s)")
    return 1 if any(v.startswith("failed") for v in outcome.results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
