"""TikTok Shop authorization (partner.tiktokshop.com docv2, "Authorization overview", "Get access token",
"Refresh access token").

The seller opens the app's authorization link and is sent back with `?code=...&state=...`.
`GET https://auth.tiktok-shops.com/api/v2/token/get?app_key&app_secret&auth_code&grant_type=authorized_code`
and `GET .../api/v2/token/refresh?app_key&app_secret&refresh_token&grant_type=refresh_token` return
`{"code": 0, "data": {access_token, access_token_expire_in, refresh_token, refresh_token_expire_in, ...}}`
where the two `*_expire_in` are Unix times (when, not how long). Access tokens live days.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from ingest.tokens import Grant, PlatformAuth

TOKEN_GET = "/api/v2/token/get"
REFRESH = "/api/v2/token/refresh"


class TikTokAuth(PlatformAuth):
    default_auth_url = "https://auth.tiktok-shops.com"

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = {"app_key": self.cfg.credential("app_key"), "state": state, "redirect_uri": redirect_uri}
        return f"{self.auth_url}/oauth/authorize?{urlencode(query)}"

    def exchange(self, code: str) -> Grant:
        return self.token(TOKEN_GET, "the authorization code", {"auth_code": code, "grant_type": "authorized_code"})

    def refresh(self, refresh_token: str) -> Grant:
        self.connector.client.redactor.add(refresh_token)
        params = {"refresh_token": refresh_token, "grant_type": "refresh_token"}
        return self.token(REFRESH, "the refresh token", params)

    def token(self, path: str, what: str, params: dict[str, Any]) -> Grant:
        keys = {"app_key": self.cfg.credential("app_key"), "app_secret": self.cfg.credential("app_secret")}
        reply = self.call(what, "GET", self.auth_url + path, params={**keys, **params})
        reply = reply if isinstance(reply, dict) else {"message": str(reply)[:120]}
        data = reply.get("data")
        if reply.get("code") != 0 or not isinstance(data, dict) or not data.get("access_token"):
            raise self.refused(what, f"{reply.get('code')}: {reply.get('message')}")
        refresh_until = data.get("refresh_token_expire_in")
        return Grant(
            data["access_token"],
            data["refresh_token"],
            datetime.fromtimestamp(int(data["access_token_expire_in"]), UTC),
            datetime.fromtimestamp(int(refresh_until), UTC) if refresh_until else None,
        )
