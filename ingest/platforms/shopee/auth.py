"""Shopee Open Platform v2 authorization (open.shopee.com, "Authorization and Authentication").

The seller opens `/api/v2/shop/auth_partner?partner_id&timestamp&sign&redirect` and is sent back to
`redirect?code=...&shop_id=...`. `POST /api/v2/auth/token/get` with `{code, shop_id, partner_id}` returns
`{access_token, refresh_token, expire_in}`; `POST /api/v2/auth/access_token/get` with `{refresh_token,
shop_id, partner_id}` returns a new pair. The access token lives `expire_in` seconds (about 4 hours); a
refresh token lives 30 days and works once. These public calls are signed over `partner_id + path +
timestamp` only (no access token, no shop id).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from ingest.connectors.signing import hmac_hex
from ingest.tokens import Grant, PlatformAuth

AUTHORIZE = "/api/v2/shop/auth_partner"
TOKEN_GET = "/api/v2/auth/token/get"
REFRESH = "/api/v2/auth/access_token/get"
REFRESH_LIFE = timedelta(days=30)


def public_sign(partner_key: str, partner_id: str | int, path: str, timestamp: int) -> str:
    """Public API signature: HMAC-SHA256 keyed by the partner key over `partner_id + path + timestamp`."""
    return hmac_hex(partner_key, f"{partner_id}{path}{timestamp}")


def _number(value: str) -> int | str:
    return int(value) if value.isdigit() else value


class ShopeeAuth(PlatformAuth):
    default_auth_url = "https://partner.shopeemobile.com"

    def signed(self, path: str) -> dict[str, Any]:
        pid, ts = self.cfg.credential("partner_id"), int(self.connector.wall_clock())
        sign = public_sign(self.cfg.credential("partner_key"), pid, path, ts)
        self.connector.client.redactor.add(sign)
        return {"partner_id": pid, "timestamp": ts, "sign": sign}

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = {**self.signed(AUTHORIZE), "redirect": redirect_uri}
        return f"{self.auth_url}{AUTHORIZE}?{urlencode(query)}"

    def exchange(self, code: str) -> Grant:
        return self.token(TOKEN_GET, "the authorization code", {"code": code})

    def refresh(self, refresh_token: str) -> Grant:
        self.connector.client.redactor.add(refresh_token)
        return self.token(REFRESH, "the refresh token", {"refresh_token": refresh_token})

    def token(self, path: str, what: str, body: dict[str, Any]) -> Grant:
        ids = {"shop_id": _number(self.cfg.shop_id), "partner_id": _number(self.cfg.credential("partner_id"))}
        reply = self.call(what, "POST", self.auth_url + path, params=self.signed(path), json_body={**body, **ids})
        if not isinstance(reply, dict) or reply.get("error") or not reply.get("access_token"):
            detail = f"{reply.get('error')}: {reply.get('message')}" if isinstance(reply, dict) else str(reply)[:120]
            raise self.refused(what, detail)
        now = self.now()
        return Grant(
            reply["access_token"],
            reply["refresh_token"],
            now + timedelta(seconds=int(reply["expire_in"])),
            now + REFRESH_LIFE,
        )
