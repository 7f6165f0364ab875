"""Lazada Open Platform authorization (open.lazada.com, "Seller authorization introduction").

The seller opens `https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true&client_id=
APP_KEY&redirect_uri=...` and is sent back with `?code=...`. `/auth/token/create` (parameter `code`) and
`/auth/token/refresh` (parameter `refresh_token`) on `https://auth.lazada.com/rest` are signed like every
other call and return `{access_token, refresh_token, expires_in, refresh_expires_in, account, country}`
(lifetimes in seconds: days for the access token, weeks for the refresh token). Each refresh returns a
new refresh token; the old one is not used again. Every call, these and the connector's, is signed by
`sign_request` here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from ingest.connectors.signing import hmac_hex
from ingest.tokens import Grant, PlatformAuth

CREATE = "/auth/token/create"
REFRESH = "/auth/token/refresh"


def base_string(api_path: str, params: Mapping[str, object]) -> str:
    return api_path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")


def sign_request(app_secret: str, api_path: str, params: Mapping[str, object]) -> str:
    """"Sign the API request" (open.lazada.com): every parameter but `sign`, sorted by name, as
    `key + value` after the API path; HMAC-SHA256 keyed by the app secret, upper-case hex."""
    return hmac_hex(app_secret, base_string(api_path, params)).upper()


class LazadaAuth(PlatformAuth):
    default_auth_url = "https://auth.lazada.com/rest"

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        page = self.cfg.options.get("authorize_url") or (
            self.auth_url + "/oauth/authorize" if self.cfg.sandbox else "https://auth.lazada.com/oauth/authorize"
        )
        query = {"response_type": "code", "force_auth": "true", "redirect_uri": redirect_uri,
                 "client_id": self.cfg.credential("app_key"), "state": state}
        return f"{page}?{urlencode(query)}"

    def exchange(self, code: str) -> Grant:
        return self.token(CREATE, "the authorization code", {"code": code})

    def refresh(self, refresh_token: str) -> Grant:
        self.connector.client.redactor.add(refresh_token)
        return self.token(REFRESH, "the refresh token", {"refresh_token": refresh_token})

    def token(self, path: str, what: str, params: dict[str, Any]) -> Grant:
        full = {**params, "app_key": self.cfg.credential("app_key"),
                "timestamp": int(self.connector.wall_clock() * 1000), "sign_method": "sha256"}
        full["sign"] = sign_request(self.cfg.credential("app_secret"), path, full)
        self.connector.client.redactor.add(full["sign"])
        reply = self.call(what, "POST", self.auth_url + path, params=full)
        if not isinstance(reply, dict) or str(reply.get("code")) != "0" or not reply.get("access_token"):
            detail = f"{reply.get('code')}: {reply.get('message')}" if isinstance(reply, dict) else str(reply)[:120]
            raise self.refused(what, detail)
        now = self.now()
        refresh_life = reply.get("refresh_expires_in")
        return Grant(
            reply["access_token"],
            reply["refresh_token"],
            now + timedelta(seconds=int(reply["expires_in"])),
            now + timedelta(seconds=int(refresh_life)) if refresh_life else None,
        )
