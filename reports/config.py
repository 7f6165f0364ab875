"""Who receives what: `<data>/config/email.toml` (recipients per role, alert rules, webhooks).

Addresses are configuration; credentials are not. SMTP settings come from ORDERHUB_SMTP_* variables
(reports.mailer) and each webhook names the environment variable that holds its URL, because a WeCom or
DingTalk webhook URL carries its access token.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.channels import CHANNELS
from models.config_check import check_keys
from models.settings import ConfigError, Settings

PRESETS = ("wecom", "dingtalk", "feishu", "slack", "json")
SIGNED = ("dingtalk", "feishu")  # presets whose robots sign with a secret (钉钉 加签, 飞书 签名校验)
ALERT_KINDS = ("capacity", "sla", "paused", "failed")
# Who a robot can @: DingTalk names people by mobile number, Feishu by open_id (ou_…), both know "all".
MENTION = {"dingtalk": re.compile(r"^(\+?\d{6,15}|all)$"), "feishu": re.compile(r"^(ou_[0-9a-z]{6,64}|all)$")}
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
WEBHOOK_KEYS = {"name", "preset", "url_env", "secret_env", "kinds", "channels", "warehouses", "mention"}


@dataclass(frozen=True)
class Webhook:
    """A chat or HTTP endpoint that alerts are posted to; its URL (and signing secret) are read from the
    environment at send time. `kinds`, `channels` and `warehouses` route alerts to the people on duty for
    them (empty: every one); `mention` is who the robot @-mentions."""

    name: str
    preset: str
    url_env: str
    secret_env: str | None = None
    kinds: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    warehouses: tuple[str, ...] = ()
    mention: tuple[str, ...] = ()

    @property
    def url(self) -> str | None:
        return os.environ.get(self.url_env) or None

    @property
    def secret(self) -> str | None:
        return (os.environ.get(self.secret_env) or None) if self.secret_env else None

    def accepts(self, kind: str, channels: frozenset[str], warehouses: frozenset[str]) -> bool:
        """Is this robot's group on duty for an alert of `kind` about these channels / warehouses? An alert
        about the whole hub (neither: a capacity spike) goes to every group taking its kind."""
        return ((not self.kinds or kind in self.kinds)
                and (not channels or not self.channels or bool(channels & set(self.channels)))
                and (not warehouses or not self.warehouses or bool(warehouses & set(self.warehouses))))


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
    check_keys(path, f"[[webhooks]] #{index + 1}", raw, WEBHOOK_KEYS)
    missing = [k for k in ("name", "preset", "url_env") if not raw.get(k)]
    if missing:
        raise ConfigError(f"{where} lacks {', '.join(missing)}")
    where, preset = f"{where} ({raw['name']})", raw["preset"]
    if preset not in PRESETS:
        raise ConfigError(f"{where}: preset {preset!r} is not one of {', '.join(PRESETS)}")
    for key in ("url_env", "secret_env"):
        if key in raw and not _ENV_NAME.match(str(raw[key])):
            raise ConfigError(f"{where}: {key} = {raw[key]!r} must name an environment variable (A-Z, 0-9, _), "
                              "never hold the URL or secret itself")
    if "secret_env" in raw and preset not in SIGNED:
        raise ConfigError(f"{where}: secret_env is for signed robots ({', '.join(SIGNED)}), not {preset}")
    lists = {key: _names(where, key, raw.get(key, [])) for key in ("kinds", "channels", "warehouses", "mention")}
    _check_routes(where, preset, lists)
    return Webhook(raw["name"], preset, raw["url_env"], raw.get("secret_env"), *lists.values())


def _names(where: str, key: str, values: Any) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{where}: {key} must be a list of names, like {key} = [\"a\", \"b\"]")
    return tuple(values)


def _check_routes(where: str, preset: str, lists: dict[str, tuple[str, ...]]) -> None:
    """Routing names must exist: a misspelt channel or kind would silently route nothing to that group."""
    for key, known in (("kinds", ALERT_KINDS), ("channels", tuple(CHANNELS))):
        bad = [v for v in lists[key] if v not in known]
        if bad:
            raise ConfigError(f"{where}: {key} {bad} unknown; use {', '.join(known)}")
    if lists["mention"] and preset not in MENTION:
        raise ConfigError(f"{where}: mention works with {' and '.join(MENTION)} robots, not {preset}")
    bad = [m for m in lists["mention"] if preset in MENTION and not MENTION[preset].match(m)]
    if bad:
        hint = "mobile numbers" if preset == "dingtalk" else "open_ids (ou_…)"
        raise ConfigError(f"{where}: mention {bad} are not {hint} or 'all'")
