"""Alerts for the people on duty: capacity spikes, overdue exceptions piling up, paused and failed channels.

    python -m reports.alerts          # check once and deliver (the scheduler calls check_and_deliver())

Each condition has a key ('capacity:2026-03-02T09', 'sla:overdue', 'paused:shopee/s1', 'failed:jd/j1').
A key fires once: an `alerts` row is raised when it appears and cleared when it goes away, after which
it may fire again. Every open alert is delivered to each target (alert e-mail roles, webhooks) until the
delivery record shows it arrived; a target gets at most `rate_limit_per_hour` alerts an hour, the rest
wait for the next check.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pandas as pd

from models import kpis, lake, records
from models.db import LakeConnection, connect
from models.filelock import state_lock
from models.formatting import format_ts
from models.i18n import label
from models.ids import stable_hash
from models.kpis import Scope
from models.redact import install_log_redaction
from models.settings import Settings, load_settings
from reports import mailer, sent_log, webhooks
from reports.config import EmailConfig, load_email_config

log = logging.getLogger(__name__)
RECENT_HOURS = 3  # capacity spikes older than this are history (the weekly snapshot lists them), not alerts


@dataclass(frozen=True)
class Condition:
    key: str
    kind: str  # capacity | sla | paused | failed | lowstock | oversell
    detail: str


@dataclass
class CheckResult:
    raised: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    deliveries: dict[str, str] = field(default_factory=dict)  # "<key> → <target>": outcome


def conditions(db: LakeConnection, cfg: EmailConfig, now: datetime, lang: str = "en") -> list[Condition]:
    """Every alert condition that holds at `now`."""
    return [*_capacity(db, now, lang), *_overdue(db, cfg, now, lang), *_channels(db, lang), *_inventory(db, now, lang)]


def _inventory(db: LakeConnection, now: datetime, lang: str) -> list[Condition]:
    """Low stock (one alert per set of low SKU × warehouses: a new shortage fires anew) and each open oversell."""
    from models.inventory import config as inv_config
    from models.inventory import queries as inv

    grid = inv.grid(db, inv_config.load(db.settings), now)
    low = sorted(f"{r.sku}@{r.warehouse}" for r in grid[grid["is_low"]].itertuples())
    out = [Condition(f"lowstock:{stable_hash(*low)}", "lowstock",
                     label("alert.lowstock", lang, n=len(low), items=", ".join(low[:5])))] if low else []
    over = inv.oversells(db)
    return out + [Condition(f"oversell:{r.order_id}", "oversell", label("alert.oversell", lang, order=r.order_id,
                                                                          note=r.orders))
                  for r in over[over["status"].isin(["open", "in_progress"])].itertuples()]


def _capacity(db: LakeConnection, now: datetime, lang: str) -> list[Condition]:
    settings = db.settings
    local_now = now.astimezone(settings.zone)
    df = kpis.run(db, "capacity_hourly", Scope(local_now.date() - timedelta(days=1), local_now.date()))
    since = pd.Timestamp(local_now.replace(minute=0, second=0, microsecond=0, tzinfo=None)) - pd.Timedelta(
        hours=RECENT_HOURS - 1)
    ratio = settings.capacity_alert_ratio
    hot = df[(df["hour"] >= since) & df["is_alert"]]
    return [Condition(f"capacity:{r.hour:%Y-%m-%dT%H}", "capacity", label(
        "alert.capacity", lang, hour=f"{r.hour:%Y-%m-%d %H:00}", orders=r.orders, line=f"{ratio * r.baseline:.1f}",
        ratio=f"{ratio:g}")) for r in hot.itertuples()]


def _overdue(db: LakeConnection, cfg: EmailConfig, now: datetime, lang: str) -> list[Condition]:
    day = now.astimezone(db.settings.zone).date()
    row = kpis.run(db, "alert_overdue_exceptions", Scope(day, day), now).iloc[0]
    if row["overdue"] <= cfg.overdue_threshold:
        return []
    oldest = format_ts(row["oldest_due_at"], db.settings.timezone, lang)
    return [Condition("sla:overdue", "sla",
                      label("alert.sla", lang, n=int(row["overdue"]), limit=cfg.overdue_threshold, ts=oldest))]


def _channels(db: LakeConnection, lang: str) -> list[Condition]:
    """Paused channels (state/paused.json when the ingest keeps one, else the latest run) and failed pulls."""
    day = datetime.now(UTC).date()
    runs = kpis.run(db, "alert_latest_runs", Scope(day, day))
    paused = _paused_file(db.settings)
    if paused is None:
        paused = {f"{r.channel}/{r.shop_id}": r.error or r.outcome for r in runs.itertuples() if r.outcome == "paused"}
    out = [Condition(f"paused:{key}", "paused", label("alert.paused", lang, channel=key, reason=reason))
           for key, reason in sorted(paused.items())]
    return out + [Condition(f"failed:{r.channel}/{r.shop_id}", "failed", label(
        "alert.failed", lang, channel=f"{r.channel}/{r.shop_id}", error=r.error or "–"))
        for r in runs.itertuples() if r.outcome == "failed"]


def _paused_file(settings: Settings) -> dict[str, str] | None:
    import json

    path = settings.data_dir / "state" / "paused.json"
    if not path.exists():
        return None
    return {key: str(value.get("reason", "paused")) for key, value in json.loads(path.read_text("utf-8")).items()}


def check_and_deliver(settings: Settings | None = None, now: datetime | None = None) -> CheckResult:
    """The scheduler's hook: raise new alerts, clear gone ones, deliver what has not arrived yet."""
    settings, now = settings or load_settings(), now or datetime.now(UTC)
    cfg, result = load_email_config(settings), CheckResult()
    with state_lock(settings, "alerts"):
        db = connect(settings, materialize=True)  # the mart the console reads
        try:
            current = {c.key: c for c in conditions(db, cfg, now, cfg.lang)}
            open_alerts = _sync(settings, db, current, now, result, cfg.lang)
            _deliver_all(settings, db, cfg, open_alerts, now, result)
        finally:
            db.close()
    return result


def recent(db: LakeConnection, limit: int = 50) -> pd.DataFrame:
    """The newest alerts with how their deliveries went, for the console."""
    return records.frame(db, "recent_alerts", limit=limit)


def _sync(settings: Settings, db: LakeConnection, current: dict[str, Condition], now: datetime,
          result: CheckResult, lang: str) -> list[dict]:
    """Write raise/clear versions to the `alerts` table; return the alerts open after this check."""
    open_rows = {r["condition_key"]: r for r in records.frame(db, "open_alerts").to_dict("records")}
    rows = []
    for key, row in open_rows.items():
        if key not in current:
            rows.append({**row, "raised_at": row["raised_at"], "cleared_at": now, "updated_at": now})
            result.cleared.append(key)
    for key, cond in current.items():
        if key not in open_rows:
            new = {"alert_id": stable_hash(key, now.isoformat()), "condition_key": key, "kind": cond.kind,
                   "title": label(f"alert.title.{cond.kind}", lang), "detail": cond.detail, "raised_at": now,
                   "updated_at": now}
            rows.append(new)
            open_rows[key] = new
            result.raised.append(key)
    if rows:
        lake.write(settings.lake_dir, "alerts", rows)
    return [open_rows[key] for key in current]


def _deliver_all(settings: Settings, db: LakeConnection, cfg: EmailConfig, alerts: list[dict], now: datetime,
                 result: CheckResult) -> None:
    smtp = mailer.SmtpConfig.from_env()
    emails = [("email", a) for a in (cfg.alert_recipients if smtp else [])]
    sent = dict(records.rows(db, "alert_sends_since", since=now - timedelta(hours=1)))
    for alert in alerts:
        done = sent_log.delivered(db, "alert", alert["alert_id"])
        on_duty = webhooks.routed(cfg.webhooks, alert, webhooks.places(db, alert["condition_key"], now))
        for channel, target in emails + [("webhook", h.name) for h in on_duty]:
            if (channel, target) in done:
                continue
            if sent.get(target, 0) >= cfg.rate_limit_per_hour:
                outcome, attempts, error = "rate_limited", 0, f"{cfg.rate_limit_per_hour} alerts in the last hour"
            else:
                outcome, attempts, error = _send(cfg, smtp, channel, target, alert, settings.console_url)
            sent[target] = sent.get(target, 0) + (outcome == "delivered")
            sent_log.record(settings, "alert", alert["alert_id"], channel, target, outcome, attempts, error, now)
            result.deliveries[f"{alert['condition_key']} → {target}"] = outcome


def _send(cfg: EmailConfig, smtp: mailer.SmtpConfig | None, channel: str, target: str, alert: dict,
          url: str) -> tuple[str, int, str | None]:
    """One delivery with retries: ('delivered', attempts, None) or ('failed', attempts, why)."""
    body = {"kind": alert["kind"], "key": alert["condition_key"], "title": label(f"alert.title.{alert['kind']}",
            cfg.lang), "text": alert["detail"], "url": url, "raised_at": pd.Timestamp(alert["raised_at"]).isoformat()}
    if channel == "email":
        def send() -> None:
            mailer.send_one(smtp, _email(body, smtp.sender, cfg.lang), target)
    else:
        hook = next(h for h in cfg.webhooks if h.name == target)

        def send() -> None:
            webhooks.post(hook, webhooks.payload(hook.preset, body, cfg.lang, hook.mention))
    try:
        _, attempts = sent_log.with_retries(send)
    except sent_log.DeliveryError as exc:
        log.error("alert %s to %s failed: %s", alert["condition_key"], target, exc)
        return "failed", exc.attempts, str(exc)
    return "delivered", attempts, None


def _email(body: dict, sender: str, lang: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = label("alert.subject", lang, title=body["title"])
    msg["From"] = sender
    msg.set_content(f"{body['text']}\n\n{label('report.open_console', lang)}: {body['url']}\n")
    return msg


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    result = check_and_deliver()
    print(f"raised {result.raised or '-'}; cleared {result.cleared or '-'}")
    for what, outcome in result.deliveries.items():
        print(f"  {what}: {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
