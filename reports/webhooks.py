"""Alerts as JSON posts to chat robots and generic webhooks, one preset per documented message format.

- wecom (企业微信群机器人): {"msgtype": "markdown", "markdown": {"content": …}}; answers {"errcode": 0, …}
- dingtalk (钉钉自定义机器人): {"msgtype": "markdown", "markdown": {"title": …, "text": …}, "at": …}; answers
  errcode too. Keyword security: add the keyword "OrderHub" (every title starts with it). Signed security
  (加签): with `secret_env`, the URL gets `&timestamp=<ms>&sign=<urlencode(base64(HMAC-SHA256(key=secret,
  msg=timestamp + "\\n" + secret)))>`; DingTalk refuses a timestamp more than an hour off.
- feishu (飞书/Lark 自定义机器人): {"msg_type": "post", "content": {"post": {"zh_cn": …}}}; answers
  {"code": 0, …}. Signature check (签名校验): with `secret_env`, the body gets "timestamp" (seconds) and
  "sign" = base64(HMAC-SHA256(key=timestamp + "\\n" + secret, msg=b"")): the platform's own construction.
- slack (incoming webhook): {"text": …} in Slack's mrkdwn; answers "ok"
- json: {"source": "orderhub", "kind", "key", "title", "text", "url", "raised_at"} for your own receiver

Which robot gets which alert is the webhook's routing (`kinds`, `channels`, `warehouses`, reports.config);
`routed` picks the robots on duty for one alert.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

import requests

from models import kpis
from models.db import LakeConnection
from models.i18n import label
from models.kpis import Scope
from models.redact import Redactor
from reports.config import Webhook
from reports.sent_log import DeliveryError


def payload(preset: str, alert: dict[str, str], lang: str = "en", mention: tuple[str, ...] = ()) -> dict[str, Any]:
    """The request body for a preset; `alert` has kind, key, title, text, url and raised_at."""
    title, text, url = f"OrderHub: {alert['title']}", alert["text"], alert["url"]
    link = label("report.open_console", lang)
    if preset == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": f"### {title}\n{text}\n[{link}]({url})"}}
    if preset == "dingtalk":
        return _dingtalk(title, text, f"[{link}]({url})", mention)
    if preset == "feishu":
        return _feishu(title, text, link, url, mention)
    if preset == "slack":
        return {"text": f"*{title}*\n{text}\n<{url}|{link}>"}
    return {"source": "orderhub", **alert, "title": title}


def _dingtalk(title: str, text: str, link: str, mention: tuple[str, ...]) -> dict[str, Any]:
    """DingTalk only notifies a mobile that is also written as @mobile in the markdown text."""
    mobiles = [m for m in mention if m != "all"]
    ats = " ".join(f"@{m}" for m in mobiles)
    body = f"### {title}\n\n{text}\n\n{link}" + (f"\n\n{ats}" if ats else "")
    out: dict[str, Any] = {"msgtype": "markdown", "markdown": {"title": title, "text": body}}
    if mention:
        out["at"] = {"atMobiles": mobiles, "isAtAll": "all" in mention}
    return out


def _feishu(title: str, text: str, link: str, url: str, mention: tuple[str, ...]) -> dict[str, Any]:
    lines: list[list[dict[str, str]]] = [[{"tag": "text", "text": text}], [{"tag": "a", "text": link, "href": url}]]
    if mention:
        lines.append([{"tag": "at", "user_id": m} for m in mention])
    return {"msg_type": "post", "content": {"post": {"zh_cn": {"title": title, "content": lines}}}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """加签: URL-encoded base64 of HMAC-SHA256 keyed by the secret over "<timestamp ms>\\n<secret>"."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu/Lark: base64 of HMAC-SHA256 keyed by "<timestamp s>\\n<secret>" over an empty message."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(hook: Webhook, url: str, body: dict[str, Any], now: float | None = None) -> tuple[str, dict[str, Any]]:
    """The URL and body as the robot's security wants them: unchanged without a secret."""
    secret, now = hook.secret, time.time() if now is None else now
    if secret is None:
        return url, body
    if hook.preset == "dingtalk":
        ts = int(now * 1000)
        return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={dingtalk_sign(secret, ts)}", body
    ts = int(now)
    return url, {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **body}


def routed(hooks: tuple[Webhook, ...], alert: dict[str, Any], places: Places) -> list[Webhook]:
    """The robots on duty for this alert: its kind, and the channels or warehouses it is about."""
    channels, warehouses = places
    return [h for h in hooks if h.url and h.accepts(alert["kind"], channels, warehouses)]


Places = tuple[frozenset[str], frozenset[str]]  # (channels, warehouses) an alert is about; both empty: hub-wide


def places(db: LakeConnection, key: str, now: datetime) -> Places:
    """What an alert is about: 'failed:jd/j1' → channel jd; 'sla:overdue' → the channels and warehouses of the
    orders whose exceptions are overdue; a capacity spike is hub-wide."""
    kind, _, rest = key.partition(":")
    if kind in ("paused", "failed"):
        return frozenset({rest.split("/", 1)[0]}), frozenset()
    if kind == "sla":
        day = now.date()
        df = kpis.run(db, "alert_overdue_places", Scope(day, day), now)
        return frozenset(df["channel"].dropna()), frozenset(df["warehouse"].dropna())
    return frozenset(), frozenset()


def post(hook: Webhook, body: dict[str, Any], timeout_s: float = 10) -> None:
    """POST the body; DeliveryError on failure (network, 429 and 5xx retriable; other 4xx and errcode not).

    The URL carries the robot's token (in its path or query), so every message is redacted with the URL's
    token-like parts and the signing secret as known secrets, and the exception chain is cut: a traceback
    would print the URL.
    """
    if not hook.url:
        raise DeliveryError(f"webhook {hook.name}: environment variable {hook.url_env} is not set", retriable=False)
    if hook.secret_env and not hook.secret:
        raise DeliveryError(f"webhook {hook.name}: environment variable {hook.secret_env} (its signing secret) "
                            "is not set", retriable=False)
    url, body = signed(hook, hook.url, body)
    shown = Redactor()
    shown.add_url(url)
    shown.add(hook.secret)
    try:
        response = requests.post(url, json=body, timeout=timeout_s)
    except requests.RequestException as exc:
        raise DeliveryError(shown.text(f"webhook {hook.name}: {exc.__class__.__name__}: {exc}")) from None
    if response.status_code >= 400:
        retriable = response.status_code == 429 or response.status_code >= 500
        raise DeliveryError(shown.text(f"webhook {hook.name}: HTTP {response.status_code} {response.text[:200]}"),
                            retriable)
    errcode = _errcode(response)
    if errcode:  # WeCom, DingTalk and Feishu answer 200 with a non-zero code when they refuse a message
        raise DeliveryError(shown.text(f"webhook {hook.name}: refused with errcode {errcode}: "
                                       f"{response.text[:200]}"), retriable=False)


def _errcode(response: requests.Response) -> int:
    """WeCom/DingTalk `errcode`, Feishu `code` (older Feishu robots: `StatusCode`); 0 when accepted."""
    try:
        body = response.json()
    except ValueError:
        return 0
    if not isinstance(body, dict):
        return 0
    return int(body.get("errcode") or body.get("code") or body.get("StatusCode") or 0)
