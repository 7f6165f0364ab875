"""Channel configuration: `<data>/config/channels.toml` (tracked) and optional `secrets.toml` (git-ignored).

    [defaults]
    interval_minutes = 10

    [[channel]]
    channel = "shopify"
    shop_id = "demo-shopify"
    base_url = "http://127.0.0.1:8765"
    sandbox = true
    credentials = { access_token = "ORDERHUB_SHOPIFY_ACCESS_TOKEN" }

A credential is named by the environment variable that holds it, never written in the tracked file. A
value is looked up in that variable, then in `secrets.toml` under `[<channel>.<shop_id>]`, then, for a
channel marked `sandbox = true`, in the sandbox's published demo credentials.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ingest.http import FatalError
from models import channel_state
from models.config_check import check_keys, read_toml, unknown_key
from models.settings import ConfigError, Settings


@dataclass(frozen=True)
class ChannelConfig:
    channel: str = field(metadata={"help": "Platform code, one of the folders of ingest/platforms (e.g. shopee)."})
    shop_id: str = field(metadata={"help": "The shop's id on the platform (also OrderHub's shop id)."})
    base_url: str = field(
        metadata={"help": "API root, e.g. https://api.lazada.com.my/rest or the sandbox URL."}
    )
    credentials: dict[str, str] = field(
        default_factory=dict, metadata={"help": "Credential name → environment variable holding it."}
    )
    enabled: bool = field(default=True, metadata={"help": "Pull this channel at all."})
    sandbox: bool = field(default=False, metadata={"help": "Points at the local sandbox (demo credentials)."})
    writeback: bool = field(
        default=False, metadata={"help": "Confirm shipments (tracking numbers) on the platform (docs/events.md)."}
    )
    stock_push: bool = field(
        default=False, metadata={"help": "Push each listing's allocated stock to the platform (docs/stock-push.md)."}
    )
    interval_minutes: float = field(default=10, metadata={"help": "Minutes between scheduled pulls."})
    overlap_minutes: float = field(
        default=10, metadata={"help": "Each pull re-reads this far before the watermark."}
    )
    initial_lookback_days: float = field(default=30, metadata={"help": "Window of the very first pull."})
    max_failures: int = field(
        default=5, metadata={"help": "Payloads failing normalization in one run before pausing."}
    )
    rate_per_s: float | None = field(
        default=None, metadata={"help": "Request rate; default: the connector's own."}
    )
    timeout_s: float = field(default=30, metadata={"help": "Read timeout of one request, seconds."})
    connect_timeout_s: float = field(default=5, metadata={"help": "Connect timeout of one request, seconds."})
    max_retries: int = field(
        default=3, metadata={"help": "Retries of a retriable failure before the run ends."}
    )
    backoff_base_s: float = field(
        default=1.0, metadata={"help": "First back-off ceiling; doubles each retry."}
    )
    page_size: int | None = field(
        default=None, metadata={"help": "Records per page; default: the API's maximum."}
    )
    flush_every: int = field(default=1000, metadata={"help": "Orders buffered before writing to the lake."})
    options: dict[str, Any] = field(
        default_factory=dict, metadata={"help": "Platform extras (api_version, ...)."}
    )
    secrets: dict[str, str] = field(
        default_factory=dict,
        repr=False,
        compare=False,
        metadata={"help": "Values from secrets.toml (not set in channels.toml)."},
    )

    @property
    def key(self) -> str:
        return f"{self.channel}/{self.shop_id}"

    def credential(self, name: str) -> str:
        """The credential's value; FatalError naming where it was looked for when it is nowhere."""
        env = self.credentials.get(name)
        if env and os.environ.get(env):
            return os.environ[env]
        if name in self.secrets:
            return str(self.secrets[name])
        if self.sandbox:
            from ingest.platforms import PLATFORMS

            declared = PLATFORMS.get(self.channel)
            if declared is not None and name in declared.sandbox.credentials:
                return declared.sandbox.credentials[name]
        where = f"environment variable {env}" if env else "no environment variable configured"
        raise FatalError(
            f"{self.key}: credential {name!r} missing ({where}; or secrets.toml "
            f'[{self.channel}."{self.shop_id}"] {name} = ...)'
        )


def channels_path(settings: Settings) -> Path:
    return settings.config_dir / "channels.toml"


def _check_platform(path: Path, index: int, code: object) -> None:
    """A channel's code must be a platform OrderHub has a connector for (ingest/platforms)."""
    from ingest.platforms import PLATFORMS  # the registry imports the connectors, which import this module

    if code is not None and code not in PLATFORMS:
        raise unknown_key(path, f"[[channel]] #{index}:", str(code), PLATFORMS, "channel")


def load_channels(settings: Settings, path: Path | None = None) -> list[ChannelConfig]:
    """Every configured (channel, shop), defaults applied; unknown keys raise ConfigError naming them (and
    recorded for the Channels page, `models.channel_state.config_problem`)."""
    try:
        channels = _load_channels(settings, path or channels_path(settings))
    except ConfigError as exc:
        channel_state.record_config_problem(settings, str(exc))
        raise
    channel_state.record_config_problem(settings, None)
    return channels


def _load_channels(settings: Settings, path: Path) -> list[ChannelConfig]:
    doc = read_toml(path)
    secrets = read_toml(settings.config_dir / "secrets.toml")
    known = {f.name for f in fields(ChannelConfig)} - {"secrets"}
    check_keys(path, "", doc, {"defaults", "channel"}, "section")
    defaults = doc.get("defaults", {})
    check_keys(path, "[defaults]", defaults, known - {"channel", "shop_id", "base_url"})
    out = []
    for i, entry in enumerate(doc.get("channel", []), start=1):
        merged = {**defaults, **entry}
        check_keys(path, f"[[channel]] #{i}:", entry, known)
        _check_platform(path, i, merged.get("channel"))
        missing = [k for k in ("channel", "shop_id", "base_url") if k not in merged]
        if missing:
            raise ConfigError(f"{path}: [[channel]] #{i}: missing {', '.join(missing)}")
        cfg = ChannelConfig(**merged)
        shop_secrets = secrets.get(cfg.channel, {}).get(cfg.shop_id, {})
        out.append(replace(cfg, secrets=dict(shop_secrets)))
    return out
