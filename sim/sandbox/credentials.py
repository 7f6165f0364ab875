"""The sandbox's authorization server: codes used once, access tokens that expire on the sandbox's clock,
refresh tokens that expire and work once, for the platforms whose tokens expire (Shopee, Lazada, TikTok).

    GET  /api/v2/shop/auth_partner?...&redirect=R    Shopee: 302 to R?code=..&shop_id=..
    POST /api/v2/auth/token/get | access_token/get    Shopee: code / refresh_token → a new pair
    GET  /rest/oauth/authorize?...&redirect_uri=R     Lazada: 302 to R?code=..
    POST /rest/auth/token/create | refresh            Lazada
    GET  /oauth/authorize?app_key&state&redirect_uri  TikTok: 302 to R?code=..&state=..
    GET  /api/v2/token/get | refresh                  TikTok

Each platform's published demo access token (its `SandboxShape.credentials`) stays valid, like a key that
does not expire, so `make run` works without authorizing; tokens issued here follow the platform's
lifecycle. `/_sandbox/tokens` shows the counts (refreshes, refused, reused refresh tokens) and can expire
or revoke a platform's live tokens; the `expire_token` fault expires them mid-pull.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from ingest.connectors.signing import same
from ingest.platforms import PLATFORMS
from ingest.platforms.lazada.connector import sign_request as lazada_sign
from ingest.platforms.shopee.auth import public_sign as shopee_public_sign
from sim.sandbox.market import SHOP_IDS, Clock, wall_seconds

# (access token life, refresh token life) as each platform documents it.
LIFETIMES = {
    "shopee": (timedelta(hours=4), timedelta(days=30)),
    "lazada": (timedelta(days=7), timedelta(days=30)),
    "tiktok": (timedelta(days=7), timedelta(days=365)),
}
CALLBACK = "https://localhost/orderhub/callback"


@dataclass
class Issued:
    platform: str
    access_token: str
    refresh_token: str
    access_until: datetime
    refresh_until: datetime
    used: bool = False  # the refresh token was spent
    revoked: bool = False


class Grants:
    """Every code and token the sandbox issued. Thread-safe: the server answers from many threads."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self._lock = threading.Lock()
        self.codes: dict[str, str] = {}  # code → platform
        self.by_access: dict[str, Issued] = {}
        self.by_refresh: dict[str, Issued] = {}
        self.counts: Counter[str] = Counter()  # "<platform>.<event>" → how often

    def code(self, platform: str) -> str:
        with self._lock:
            code = secrets.token_hex(8)
            self.codes[code] = platform
            return code

    def exchange(self, platform: str, code: str) -> Issued | None:
        with self._lock:
            if self.codes.pop(code, None) != platform:
                self.counts[f"{platform}.refused"] += 1
                return None
            return self._issue(platform)

    def refresh(self, platform: str, token: str) -> Issued | None:
        """A new pair for a live refresh token, which is then spent; None (and counted) otherwise."""
        with self._lock:
            old = self.by_refresh.get(token)
            if old is None or old.platform != platform or old.revoked or old.refresh_until <= self.clock.now():
                self.counts[f"{platform}.refused"] += 1
                return None
            if old.used:
                self.counts[f"{platform}.reused"] += 1
                self.counts[f"{platform}.refused"] += 1
                return None
            old.used = True
            self.counts[f"{platform}.refreshes"] += 1
            return self._issue(platform)

    def _issue(self, platform: str) -> Issued:
        access_life, refresh_life = LIFETIMES[platform]
        now = self.clock.now()
        issued = Issued(
            platform, f"{platform}-at-{secrets.token_hex(10)}", f"{platform}-rt-{secrets.token_hex(10)}",
            now + access_life, now + refresh_life,
        )
        self.by_access[issued.access_token] = self.by_refresh[issued.refresh_token] = issued
        self.counts[f"{platform}.issued"] += 1
        return issued

    def valid(self, platform: str, token: str | None) -> bool:
        """The platform's demo token, or a live token issued here."""
        if token and token == PLATFORMS[platform].sandbox.credentials.get("access_token"):
            return True
        with self._lock:
            issued = self.by_access.get(token or "")
            return bool(issued and issued.platform == platform and not issued.revoked
                        and issued.access_until > self.clock.now())

    def expire(self, platform: str) -> None:
        """Every live access token of `platform` expires now (its refresh token still works)."""
        with self._lock:
            for issued in self.by_access.values():
                if issued.platform == platform:
                    issued.access_until = min(issued.access_until, self.clock.now())

    def revoke(self, platform: str) -> None:
        """The seller withdrew the authorization: no token of `platform` works any more."""
        with self._lock:
            for issued in self.by_access.values():
                if issued.platform == platform:
                    issued.revoked = True

    def listing(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)


def _redirect(target: str, **query: str) -> tuple[int, Any, dict[str, str]]:
    joiner = "&" if "?" in target else "?"
    return 302, {"redirect": True}, {"Location": f"{target}{joiner}{urlencode(query)}"}


class AuthApi:
    """The token and authorization endpoints; `route(method, path)` → a handler or None."""

    def __init__(self, grants: Grants):
        self.grants = grants
        self.routes: dict[tuple[str, str], Callable[[Any], tuple[int, Any, dict[str, str]]]] = {
            ("GET", "/api/v2/shop/auth_partner"): self.shopee_authorize,
            ("POST", "/api/v2/auth/token/get"): lambda req: self.shopee_token(req, "code"),
            ("POST", "/api/v2/auth/access_token/get"): lambda req: self.shopee_token(req, "refresh_token"),
            ("GET", "/rest/oauth/authorize"): self.lazada_authorize,
            ("POST", "/rest/auth/token/create"): lambda req: self.lazada_token(req, "code"),
            ("POST", "/rest/auth/token/refresh"): lambda req: self.lazada_token(req, "refresh_token"),
            ("GET", "/oauth/authorize"): self.tiktok_authorize,
            ("GET", "/api/v2/token/get"): lambda req: self.tiktok_token(req, "auth_code"),
            ("GET", "/api/v2/token/refresh"): lambda req: self.tiktok_token(req, "refresh_token"),
        }

    def route(self, method: str, path: str) -> Callable[[Any], tuple[int, Any, dict[str, str]]] | None:
        return self.routes.get((method, path))

    def spend(self, platform: str, kind: str, value: str) -> Issued | None:
        if kind in ("code", "auth_code"):
            return self.grants.exchange(platform, value)
        return self.grants.refresh(platform, value)

    # -- Shopee -------------------------------------------------------------------------------------
    def shopee_signed(self, req: Any) -> bool:
        c, q = PLATFORMS["shopee"].sandbox.credentials, req.query
        ts = int(q.get("timestamp") or 0)
        expected = shopee_public_sign(c["partner_key"], c["partner_id"], req.path, ts)
        return q.get("partner_id") == c["partner_id"] and same(q.get("sign", ""), expected) and (
            abs(wall_seconds() - ts) <= 300
        )

    def shopee_authorize(self, req: Any) -> tuple[int, Any, dict[str, str]]:
        if not self.shopee_signed(req):
            return 403, {"error": "error_sign", "message": "Wrong sign."}, {}
        return _redirect(req.query.get("redirect") or CALLBACK, code=self.grants.code("shopee"),
                         shop_id=SHOP_IDS["shopee"])

    def shopee_token(self, req: Any, kind: str) -> tuple[int, Any, dict[str, str]]:
        body = json.loads(req.body or "{}")
        if not self.shopee_signed(req) or str(body.get("shop_id")) != SHOP_IDS["shopee"]:
            return 403, {"error": "error_auth", "message": "Invalid partner_id, shop_id or sign."}, {}
        issued = self.spend("shopee", kind, str(body.get(kind, "")))
        if issued is None:
            return 403, {"error": "error_auth", "message": f"Invalid {kind}.", "request_id": "sbx"}, {}
        life = (issued.access_until - self.grants.clock.now()).total_seconds()
        return 200, {"access_token": issued.access_token, "refresh_token": issued.refresh_token,
                     "expire_in": int(life), "error": "", "message": "", "request_id": "sbx"}, {}

    # -- Lazada -------------------------------------------------------------------------------------
    def lazada_authorize(self, req: Any) -> tuple[int, Any, dict[str, str]]:
        if req.query.get("client_id") != PLATFORMS["lazada"].sandbox.credentials["app_key"]:
            return 400, {"code": "InvalidAppKey", "message": "Invalid client_id"}, {}
        return _redirect(req.query.get("redirect_uri") or CALLBACK, code=self.grants.code("lazada"))

    def lazada_token(self, req: Any, kind: str) -> tuple[int, Any, dict[str, str]]:
        c, q = PLATFORMS["lazada"].sandbox.credentials, req.query
        api_path = req.path.removeprefix("/rest")
        if q.get("app_key") != c["app_key"] or not same(q.get("sign", ""), lazada_sign(c["app_secret"], api_path, q)):
            return 200, {"code": "IncompleteSignature", "type": "ISV", "message": "Invalid signature"}, {}
        issued = self.spend("lazada", kind, q.get(kind, ""))
        if issued is None:
            code = "InvalidCode" if kind == "code" else "IllegalRefreshToken"
            return 200, {"code": code, "type": "ISV", "message": f"Invalid {kind}", "request_id": "sbx"}, {}
        now = self.grants.clock.now()
        return 200, {"code": "0", "access_token": issued.access_token, "refresh_token": issued.refresh_token,
                     "expires_in": int((issued.access_until - now).total_seconds()),
                     "refresh_expires_in": int((issued.refresh_until - now).total_seconds()),
                     "account": "seller@sandbox", "country": "my", "request_id": "sbx"}, {}

    # -- TikTok Shop --------------------------------------------------------------------------------
    def tiktok_authorize(self, req: Any) -> tuple[int, Any, dict[str, str]]:
        if req.query.get("app_key") != PLATFORMS["tiktok"].sandbox.credentials["app_key"]:
            return 400, {"code": 106010, "message": "Invalid app_key"}, {}
        return _redirect(req.query.get("redirect_uri") or CALLBACK, code=self.grants.code("tiktok"),
                         state=req.query.get("state", ""))

    def tiktok_token(self, req: Any, kind: str) -> tuple[int, Any, dict[str, str]]:
        c, q = PLATFORMS["tiktok"].sandbox.credentials, req.query
        if q.get("app_key") != c["app_key"] or q.get("app_secret") != c["app_secret"]:
            return 200, {"code": 36004004, "message": "Invalid app_key or app_secret", "data": None}, {}
        issued = self.spend("tiktok", kind, q.get(kind, ""))
        if issued is None:
            return 200, {"code": 36004005, "message": f"Invalid or expired {kind}", "data": None}, {}
        now, wall = self.grants.clock.now(), wall_seconds()  # TikTok sends when, as Unix time
        at = {"access": issued.access_until, "refresh": issued.refresh_until}
        expire = {k: int(wall + (v - now).total_seconds()) for k, v in at.items()}
        return 200, {"code": 0, "message": "success", "request_id": "sbx", "data": {
            "access_token": issued.access_token, "access_token_expire_in": expire["access"],
            "refresh_token": issued.refresh_token, "refresh_token_expire_in": expire["refresh"],
            "open_id": "sandbox-open-id", "seller_name": "Sandbox Seller"}}, {}
