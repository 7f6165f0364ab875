"""Access tokens that expire: each platform's documented lifecycle, refreshed ahead of expiry, one refresh at
a time.

    keeper = Keeper(connector, data_dir)     # a connector whose platform declares `auth_class`
    token = keeper.fresh(current)            # the stored token; refreshed first when it expires soon
    token = keeper.after_refusal(used, msg)  # the platform refused `used`: refresh (once) and go on

Shopee's access token lives 4 hours and its refresh token (30 days) works once; Lazada's and TikTok Shop's
access tokens live days. Shopify's Admin API tokens and WooCommerce's consumer keys do not expire: they
stay plain credentials. A grant comes from `python -m ingest authorize` (ingest/authorize.py) and is kept in
`<data>/state/tokens.json` (models/tokens.py). A refresh runs under a per-shop `flock`, so a pull and a
second process (or thread) never both spend one single-use refresh token: whoever waits reads the grant
the first one wrote. When the platform refuses the refresh, `ReauthorizeNeeded` pauses the channel.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ingest.http import FatalError
from models import tokens as store
from models.filelock import locked

if TYPE_CHECKING:
    from ingest.connectors.base import Connector

log = logging.getLogger(__name__)
REFRESH_AHEAD = timedelta(minutes=15)  # refresh this long before expiry (a quarter of the life at most)


class ReauthorizeNeeded(FatalError):
    """The platform refused the refresh (used, expired or revoked): a person must authorize the shop again."""


def reauthorize_hint(channel: str, shop_id: str) -> str:
    return f"re-authorize the shop: python -m ingest authorize --channel {channel} --shop {shop_id}"


@dataclass(frozen=True)
class Grant:
    """What a token endpoint returned, with expiries on this machine's clock."""

    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime | None

    def record(self, obtained_at: datetime, obtained_by: str) -> dict[str, Any]:
        expiry = self.refresh_expires_at.isoformat() if self.refresh_expires_at else None
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "access_expires_at": self.access_expires_at.isoformat(),
            "refresh_expires_at": expiry,
            "obtained_at": obtained_at.isoformat(),
            "obtained_by": obtained_by,
        }


class PlatformAuth(ABC):
    """One platform's authorization: the page a seller opens, the code exchange, the refresh."""

    default_auth_url: ClassVar[str]  # where the token endpoints live in production

    def __init__(self, connector: Connector):
        self.connector = connector
        self.cfg = connector.cfg

    @property
    def auth_url(self) -> str:
        """`options.auth_url`; a sandbox channel's token endpoints sit beside its API."""
        configured = self.cfg.options.get("auth_url")
        return str(configured or (self.cfg.base_url if self.cfg.sandbox else self.default_auth_url)).rstrip("/")

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.connector.wall_clock(), UTC)

    def call(self, what: str, method: str, url: str, **kwargs: Any) -> Any:
        """A token request's JSON body; a refusal (any 4xx) becomes ReauthorizeNeeded naming `what`."""
        try:
            return self.connector.client.get_json(method, url, **kwargs).body
        except FatalError as exc:
            raise ReauthorizeNeeded(f"{self.cfg.key}: the platform would not accept {what} ({exc})") from None

    def refused(self, what: str, detail: str) -> ReauthorizeNeeded:
        detail = self.connector.client.redactor.text(detail)
        return ReauthorizeNeeded(f"{self.cfg.key}: the platform would not accept {what} ({detail})")

    @abstractmethod
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """The page where the seller approves this app; it redirects back with `code`."""

    @abstractmethod
    def exchange(self, code: str) -> Grant:
        """The first grant, for the code the authorization page returned."""

    @abstractmethod
    def refresh(self, refresh_token: str) -> Grant:
        """A new grant for the refresh token (which the platform may then refuse forever)."""


class Keeper:
    """A channel's stored grant: read, refreshed ahead of expiry or after a refusal, written back."""

    def __init__(self, connector: Connector, data_dir: Path):
        self.connector, self.data_dir = connector, data_dir
        self.cfg = connector.cfg
        self.auth: PlatformAuth = connector.auth_class(connector)  # type: ignore[misc]
        self.lock_path = data_dir / "state" / "locks" / f"token-{self.cfg.channel}-{self.cfg.shop_id}"
        self.refreshes = 0

    def stored(self) -> dict[str, Any] | None:
        record = store.grant(self.data_dir, self.cfg.channel, self.cfg.shop_id)
        if record:
            self.connector.client.redactor.add(record.get("access_token"), record.get("refresh_token"))
        return record

    def stored_access_token(self) -> str | None:
        record = self.stored()
        return record["access_token"] if record else None

    def fresh(self, current: str) -> str:
        """The access token to send now: the stored one, refreshed first when it expires soon; a channel
        without a stored grant keeps its configured token."""
        record = self.stored()
        if record is None:
            return current
        if self.due(record):
            with locked(self.lock_path):
                record = self.stored() or record  # another thread or process may have refreshed meanwhile
                if self.due(record):
                    record = self._refresh(record)
        return record["access_token"]

    def after_refusal(self, used: str, message: str) -> str:
        """The platform refused `used` although it looked valid: refresh unless someone already did."""
        with locked(self.lock_path):
            record = self.stored()
            if record is None:
                raise FatalError(message)  # a configured token: nothing here can renew it
            if record["access_token"] != used:
                return record["access_token"]
            return self._refresh(record)["access_token"]

    def due(self, record: dict[str, Any]) -> bool:
        expires = datetime.fromisoformat(record["access_expires_at"])
        life = expires - datetime.fromisoformat(record["obtained_at"])
        return expires - self.auth.now() <= min(REFRESH_AHEAD, life / 4)

    def _refresh(self, record: dict[str, Any]) -> dict[str, Any]:
        """Spend the refresh token and write the new grant before anything else can fail."""
        key, now = self.cfg.key, self.auth.now()
        until = record.get("refresh_expires_at")
        if until and datetime.fromisoformat(until) <= now:
            raise ReauthorizeNeeded(f"{key}: the refresh token's life ended at {until}")
        grant = self.auth.refresh(record["refresh_token"])
        self.connector.client.redactor.add(grant.access_token, grant.refresh_token)
        fresh = grant.record(now, "refresh")
        store.save_grant(self.data_dir, self.cfg.channel, self.cfg.shop_id, fresh)
        self.refreshes += 1
        log.info("%s: access token refreshed; valid until %s", key, fresh["access_expires_at"])
        return fresh


def authorized(connector: Connector, data_dir: Path, code: str) -> dict[str, Any]:
    """Exchange an authorization code and store the grant (what `ingest authorize` does last)."""
    keeper = Keeper(connector, data_dir)
    with locked(keeper.lock_path):
        grant = keeper.auth.exchange(code)
        record = grant.record(keeper.auth.now(), "authorize")
        store.save_grant(data_dir, connector.cfg.channel, connector.cfg.shop_id, record)
    return record
