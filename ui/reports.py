"""The Admin page's one way into reports/: the snapshot preview, sending, the e-mail set-up, alerts, deliveries.

Pages import ui and models only; everything the Snapshot page needs from reports/ is here.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from models.access import Access
from reports import alerts, sent_log, weekly
from reports.config import config_path, load_email_config
from reports.mailer import SmtpConfig
from reports.static_charts import ChartError
from ui import data
from ui.access import current_access

__all__ = ["ChartError", "config_file", "last_complete_week", "preview", "recent_alerts", "recent_deliveries",
           "recipients", "send", "smtp_configured", "week_choices", "week_name"]
week_name = weekly.week_name


@st.cache_data(max_entries=8, show_spinner=False, ttl=600)
def _preview(monday: date, lang: str, access: Access, version: str) -> str:
    return weekly.preview_html(data.settings(), monday, lang, access)


def preview(monday: date, lang: str) -> str:
    """The snapshot page for a week as the signed-in user may see it (a scoped user: their access only;
    charts rendered once, then cached until the lake changes)."""
    return _preview(monday, lang, current_access(), data.current_version())


@data.relisting
def recent_alerts(limit: int = 50) -> pd.DataFrame:
    return _local(alerts.recent(data.db(), limit))


@data.relisting
def recent_deliveries(limit: int = 50) -> pd.DataFrame:
    return _local(sent_log.recent(data.db(), limit))


def _local(df: pd.DataFrame) -> pd.DataFrame:
    """UTC instants as wall-clock times in the configured zone, the way every page shows them."""
    for col in df.columns:
        if isinstance(df[col].dtype, pd.DatetimeTZDtype):
            df[col] = df[col].dt.tz_convert(data.settings().timezone).dt.tz_localize(None)
    return df


def send(monday: date, lang: str, force: bool) -> weekly.Outcome:
    """Send now (or write the outbox when no SMTP is configured); the delivery record keeps it idempotent.
    The e-mail covers everything, so a user with an access limit may not send it (PermissionError)."""
    if not current_access().unrestricted:
        raise PermissionError("the snapshot e-mail covers every channel and warehouse; a user with an access "
                              "limit cannot send it. Ask an admin without one.")
    return weekly.run(data.settings(), monday, "auto", force, lang)


def week_choices(last_day: date, weeks: int = 8) -> list[date]:
    """Mondays of the `weeks` ISO weeks up to the one holding `last_day`, newest first."""
    monday = last_day - timedelta(days=last_day.weekday())
    return [monday - timedelta(weeks=i) for i in range(weeks)]


def last_complete_week() -> date:
    """Monday of the last week that has ended in the configured zone."""
    return weekly.last_complete_week(data.settings())


def recipients() -> list[str]:
    """Who receives the snapshot (reports' config file). A broken email.toml raises ConfigError naming the
    file and key: the page shows it and carries on with nobody configured."""
    return load_email_config(data.settings()).snapshot_recipients


def config_file() -> Path:
    return config_path(data.settings())


def smtp_configured() -> bool:
    """Is an SMTP server set (else the snapshot goes to the outbox folder)?"""
    return SmtpConfig.from_env() is not None
