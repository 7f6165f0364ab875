"""Event sources: `<data>/config/event_sources.toml` (tracked) and the carrier status table.

    [[source]]
    name = "wms"                        # the URL path of its webhook: POST /events/wms
    kind = "wms"                        # wms | carrier
    base_url = "http://127.0.0.1:8765/wms/v1"   # its events API; leave out for webhook only
    sandbox = true
    webhook_secret = "ORDERHUB_WMS_WEBHOOK_SECRET"   # environment variable names, never values
    api_key = "ORDERHUB_WMS_API_KEY"

A secret is looked up in its environment variable, then in the git-ignored `secrets.toml` under
`[events.<name>]`, then, for a `sandbox = true` source, in the sandbox's published demo secrets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from models.config_check import read_toml
from models.lifecycle import CARRIER_STATUSES
from models.settings import ConfigError, Settings

KINDS = ("wms", "carrier")
# The table shipped with OrderHub, used until the data dir has its own copy.
SHIPPED_CODES = Path(__file__).resolve().parents[2] / "data" / "config" / "carrier_status_map.toml"
# What the sandbox's warehouse and carrier sign with and accept: demo values, published on purpose.
SANDBOX_SECRETS: dict[str, dict[str, str]] = {
    "wms": {"webhook_secret": "sandbox-wms-webhook-secret", "api_key": "sandbox-wms-key"},
    "carrier": {"webhook_secret": "sandbox-carrier-webhook-secret", "api_key": "sandbox-carrier-key"},
}


class MissingSecret(ConfigError):
    """A source's secret is nowhere; the message names where it was looked for (never a value)."""


@dataclass(frozen=True)
class EventSource:
    name: str = field(metadata={"help": "Its name; the webhook path is /events/<name>."})
    kind: str = field(metadata={"help": "wms (warehouse steps) or carrier (tracking statuses)."})
    base_url: str | None = field(default=None, metadata={"help": "Root of its events API, for pulling."})
    sandbox: bool = field(default=False, metadata={"help": "The local sandbox (demo secrets)."})
    webhook_secret: str | None = field(default=None, metadata={"help": "Env var holding the HMAC secret."})
    api_key: str | None = field(default=None, metadata={"help": "Env var holding the pull API key."})
    interval_minutes: float = field(default=2, metadata={"help": "Minutes between pulls."})
    page_size: int = field(default=200, metadata={"help": "Events asked for per page."})
    enabled: bool = field(default=True, metadata={"help": "Pull and accept this source at all."})
    secrets: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def secret(self, name: str) -> str:
        """`webhook_secret` or `api_key`: its value, or MissingSecret naming where it was looked for."""
        env = getattr(self, name)
        if env and os.environ.get(env):
            return os.environ[env]
        if name in self.secrets:
            return str(self.secrets[name])
        if self.sandbox and name in SANDBOX_SECRETS.get(self.kind, {}):
            return SANDBOX_SECRETS[self.kind][name]
        where = f"environment variable {env}" if env else "no environment variable configured"
        raise MissingSecret(f"event source {self.name}: {name} missing ({where}; or secrets.toml "
                            f"[events.{self.name}] {name} = ...)")


def load_sources(settings: Settings) -> dict[str, EventSource]:
    """Every configured event source by name; unknown keys or kinds raise ConfigError naming them."""
    path = settings.config_dir / "event_sources.toml"
    secrets = read_toml(settings.config_dir / "secrets.toml").get("events", {})
    known = {f.name for f in fields(EventSource)} - {"secrets"}
    out = {}
    for i, entry in enumerate(read_toml(path).get("source", []), start=1):
        unknown = sorted(set(entry) - known)
        if unknown or entry.get("kind") not in KINDS or not entry.get("name"):
            raise ConfigError(f"{path}: [[source]] #{i}: needs name and kind ({' or '.join(KINDS)}); "
                              f"unknown key(s): {', '.join(unknown) or 'none'}")
        out[entry["name"]] = EventSource(**entry, secrets=dict(secrets.get(entry["name"], {})))
    return out


def carrier_codes(settings: Settings) -> dict[str, str]:
    """The editable table: tracking aggregator status code → canonical carrier status."""
    path = settings.config_dir / "carrier_status_map.toml"
    path = path if path.exists() else SHIPPED_CODES
    codes = read_toml(path).get("codes", {})
    bad = sorted(f"{k} = {v!r}" for k, v in codes.items() if v not in CARRIER_STATUSES)
    if bad:
        raise ConfigError(f"{path}: unknown carrier status(es) {', '.join(bad)}; "
                          f"known: {', '.join(CARRIER_STATUSES)}")
    return {str(k): str(v) for k, v in codes.items()}
