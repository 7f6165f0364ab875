"""Subscribed figures: each subscription (models.saved_views) gets its page's headline figures for the last
complete day or week, under its filters, once per period, by e-mail.

    python -m reports.subscriptions        # send what is due (the scheduler calls send_due() hourly)

The figures are the KPI layer's (models.kpis.summary), formatted as the console formats them; a period is
sent once per subscription (the `deliveries` table, kind 'subscription', ref '<id>:<period>'), so a
catch-up or a second scheduler tick sends nothing twice.
"""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime

from models import kpis
from models.db import LakeConnection, connect
from models.formatting import format_value
from models.i18n import label
from models.kpis import headline_kpis
from models.saved_views import Subscription, period, subscriptions, view_url
from models.settings import Settings, load_settings
from reports import mailer, sent_log

log = logging.getLogger(__name__)
KIND = "subscription"


def send_due(settings: Settings | None = None, now: datetime | None = None) -> dict[str, str]:
    """Send every subscription's last complete period that it has not had yet: {"<id>:<period>": outcome}."""
    settings, now = settings or load_settings(), now or datetime.now(UTC)
    smtp = mailer.SmtpConfig.from_env()
    if smtp is None:
        return {}
    today, out = now.astimezone(settings.zone).date(), {}
    db = connect(settings)
    try:
        for sub in subscriptions(settings):
            key, start, end = period(sub.frequency, today)
            ref = f"{sub.id}:{key}"
            if ("email", sub.email) in sent_log.delivered(db, KIND, ref):
                continue
            msg = message(db, sub, key, start, end, smtp.sender)
            out[ref] = _send(settings, smtp, msg, sub, ref, now)
    finally:
        db.close()
    return out


def figures(db: LakeConnection, sub: Subscription, start, end) -> list[tuple[str, str]]:
    """(label, value) of the headline figures under the subscription's filters, as the console shows them."""
    row = kpis.summary(db, sub.scope(start, end))
    currency = db.settings.reporting_currency
    return [(label(f"kpi.{k.key}", sub.lang), format_value(row.get(k.key), k.unit, sub.lang, currency))
            for k in headline_kpis(db.settings)]


def message(db: LakeConnection, sub: Subscription, key: str, start, end, sender: str):
    page = label(f"page.{sub.page.rsplit('/', 1)[-1].removesuffix('.py')}", sub.lang)
    subject = label("views.mail_subject", sub.lang, page=page, period=key)
    rows = figures(db, sub, start, end)
    link = view_url(db.settings.console_url, sub.page, sub.query)
    text = "\n".join(f"{name}: {value}" for name, value in rows)
    text += f"\n\n{label('report.open_console', sub.lang)}: {link}\n"
    cells = "".join(f"<tr><td>{html.escape(n)}</td><td><b>{html.escape(v)}</b></td></tr>" for n, v in rows)
    body = (f"<h2>{html.escape(subject)}</h2><table>{cells}</table>"
            f"<p><a href=\"{html.escape(link)}\">{html.escape(label('report.open_console', sub.lang))}</a></p>")
    return mailer.compose(subject, sender, text, body, {})


def _send(settings: Settings, smtp: mailer.SmtpConfig, msg, sub: Subscription, ref: str, now: datetime) -> str:
    try:
        _, attempts = sent_log.with_retries(lambda: mailer.send_one(smtp, msg, sub.email))
    except sent_log.DeliveryError as exc:
        log.error("subscription %s to %s failed: %s", ref, sub.email, exc)
        sent_log.record(settings, KIND, ref, "email", sub.email, "failed", exc.attempts, str(exc), now)
        return "failed"
    sent_log.record(settings, KIND, ref, "email", sub.email, "delivered", attempts, None, now)
    return "delivered"


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for what, outcome in send_due().items():
        print(f"{what}: {outcome}")
