"""Alerts as JSON posts to chat robots and generic webhooks, one preset per documented message format.

- wecom (企业微信群机器人): {"msgtype": "markdown", "markdown": {"content": …}}; answers {"errcode": 0, …}
- dingtalk (钉钉自定义机器人): {"msgtype": "markdown", "markdown": {"title": …, "text": …}}; answers errcode
  too. If the robot uses keyword security, add the keyword "OrderHub" (every title starts with it).
- slack (incoming webhook): {"text": …} in Slack's mrkdwn; answers "ok"
- json: {"source": "orderhub", "kind", "key", "title", "text", "url", "raised_at"} for your own receiver
"""

from __future__ import annotations

from typing import Any

import requests

from models.i18n import label
from models.redact import Redactor
from reports.config import Webhook
from reports.sent_log import DeliveryError


def payload(preset: str, alert: dict[str, str], lang: str = "en") -> dict[str, Any]:
    """The request body for a preset; `alert` has kind, key, title, text, url and raised_at."""
    title, text, url = f"OrderHub: {alert['title']}", alert["text"], alert["url"]
    link = label("report.open_console", lang)
    if preset == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": f"### {title}\n{text}\n[{link}]({url})"}}
    if preset == "dingtalk":
        return {"msgtype": "markdown",
                "markdown": {"title": title, "text": f"### {title}\n\n{text}\n\n[{link}]({url})"}}
    if preset == "slack":
        return {"text": f"*{title}*\n{text}\n<{url}|{link}>"}
    return {"source": "orderhub", **alert, "title": title}


def post(hook: Webhook, body: dict[str, Any], timeout_s: float = 10) -> None:
    """POST the body; DeliveryError on failure (network, 429 and 5xx retriable; other 4xx and errcode not).

    The URL carries the robot's token (in its path or query), so every message is redacted with the URL's
    token-like parts as known secrets, and the exception chain is cut: a traceback would print the URL.
    """
    url = hook.url
    if not url:
        raise DeliveryError(f"webhook {hook.name}: environment variable {hook.url_env} is not set", retriable=False)
    shown = Redactor()
    shown.add_url(url)
    try:
        response = requests.post(url, json=body, timeout=timeout_s)
    except requests.RequestException as exc:
        raise DeliveryError(shown.text(f"webhook {hook.name}: {exc.__class__.__name__}: {exc}")) from None
    if response.status_code >= 400:
        retriable = response.status_code == 429 or response.status_code >= 500
        raise DeliveryError(shown.text(f"webhook {hook.name}: HTTP {response.status_code} {response.text[:200]}"),
                            retriable)
    errcode = _errcode(response)
    if errcode:  # WeCom and DingTalk answer 200 with a non-zero errcode when they refuse a message
        raise DeliveryError(shown.text(f"webhook {hook.name}: refused with errcode {errcode}: "
                                       f"{response.text[:200]}"), retriable=False)


def _errcode(response: requests.Response) -> int:
    try:
        body = response.json()
    except ValueError:
        return 0
    return int(body.get("errcode") or 0) if isinstance(body, dict) else 0
