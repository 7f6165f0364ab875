"""Who receives what: `<data>/config/email.toml` (recipients per role, alert rules, webhooks).

Addresses are configuration; credentials are not. SMTP settings come from ORDERHUB_SMTP_* variables
(reports.mailer) and each webhook names the environment variable that holds its URL, because a WeCom or
DingTalk webhook URL carries its access token.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.config_check import check_keys
from models.settings import ConfigError, Settings

PRESETS = ("wecom", "dingtalk", "slack", "json")


@dataclass(frozen=True)
class Webhook:
    """A chat or HTTP endpoint that alerts are posted to; its URL is read from `url_env` at send time."""

    name: str
    preset: str
    url_env: str

    @property
    def url(self) -> str | None:
        return os.environ.get(self.url_env) or None


@dataclass(frozen=True)
class EmailConfig:
    recipients: dict[str, tuple[str, ...]] = field(default_factory=dict)
    snapshot_roles: tuple[str, ...] = ("manager",)
    lang: str = "en"
    alert_roles: tuple[str, ...] = ("ops",)
    overdue_threshold: int = 10
    rate_limit_per_hour: int = 6
    webhooks: tuple[Webhook, ...] = ()
    source: Path | None = None

    def addresses(self, roles: tuple[str, ...]) -> list[str]:
        """Addresses of these roles, each once, in config order."""
        seen: dict[str, None] = {}
        for role in roles:
            seen.update(dict.fromkeys(self.recipients.get(role, ())))
        return list(seen)

    @property
    def snapshot_recipients(self) -> list[str]:
        return self.addresses(self.snapshot_roles)

    @property
    def alert_recipients(self) -> list[str]:
        return self.addresses(self.alert_roles)


def config_path(settings: Settings) -> Path:
    return settings.config_dir / "email.toml"


def load_email_config(settings: Settings) -> EmailConfig:
    """The e-mail config; a missing file means nobody is configured (the snapshot still goes to the outbox)."""
    path = config_path(settings)
    if not path.exists():
        return EmailConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read e-mail config ({exc}); fix or remove the file") from exc
    return _parse(raw, path)


def _parse(raw: dict[str, Any], path: Path) -> EmailConfig:
    check_keys(path, "", raw, {"recipients", "snapshot", "alerts", "webhooks"}, "section")
    snapshot, alerts = raw.get("snapshot", {}), raw.get("alerts", {})
    check_keys(path, "[snapshot]", snapshot, {"roles", "lang"})
    check_keys(path, "[alerts]", alerts, {"email_roles", "overdue_threshold", "rate_limit_per_hour"})
    recipients = {role: tuple(_addresses(path, role, v)) for role, v in raw.get("recipients", {}).items()}
    lang = snapshot.get("lang", "en")
    if lang not in ("en", "zh"):
        raise ConfigError(f"{path}: [snapshot] lang = {lang!r}; use 'en' or 'zh'")
    hooks = tuple(_webhook(path, i, h) for i, h in enumerate(raw.get("webhooks", [])))
    return EmailConfig(
        recipients=recipients, snapshot_roles=tuple(snapshot.get("roles", ("manager",))), lang=lang,
        alert_roles=tuple(alerts.get("email_roles", ("ops",))),
        overdue_threshold=int(alerts.get("overdue_threshold", 10)),
        rate_limit_per_hour=int(alerts.get("rate_limit_per_hour", 6)), webhooks=hooks, source=path,
    )


def _addresses(path: Path, role: str, values: Any) -> list[str]:
    if isinstance(values, str):
        values = [values]
    bad = [v for v in values if not isinstance(v, str) or "@" not in v]
    if bad:
        raise ConfigError(f"{path}: [recipients] {role} has value(s) that are not e-mail addresses: {bad}")
    return list(values)


def _webhook(path: Path, index: int, raw: dict[str, Any]) -> Webhook:
    where = f"{path}: [[webhooks]] #{index + 1}"
    check_keys(path, f"[[webhooks]] #{index + 1}", raw, {"name", "preset", "url_env"})
    missing = [k for k in ("name", "preset", "url_env") if not raw.get(k)]
    if missing:
        raise ConfigError(f"{where} lacks {', '.join(missing)}")
    if raw["preset"] not in PRESETS:
        raise ConfigError(f"{where} ({raw['name']}): preset {raw['preset']!r} is not one of {', '.join(PRESETS)}")
    return Webhook(raw["name"], raw["preset"], raw["url_env"])
