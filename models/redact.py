"""Secrets out of every text that is stored or printed: URLs, headers and known secret values.

    redact("POST https://oapi.dingtalk.com/robot/send?access_token=abc123 failed")
    # → 'POST https://oapi.dingtalk.com/robot/send?access_token=*** failed'
    r = Redactor(); r.add(token); r.text(message)       # also masks the exact values it was given
    install_log_redaction()                              # every log line of this process, redacted

One function for the whole project (ingest's HTTP client, the alert webhooks, the e-mail jobs, the
logs), because a secret is only as safe as the one place that forgot to mask it. What counts as secret:
values of parameters whose name says so (token, key, secret, password, signature, sign…), the path
after a chat robot's `/robot/`, `/hook/`, `/services/` or `/webhooks/` segment (WeCom, DingTalk,
Feishu, Slack, Discord put the token there), a password in `user:password@host`, Authorization-like
headers and Bearer/Basic credentials.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
# Kept for ingest's connectors: parameter names that carry credentials in the platforms' APIs.
SENSITIVE_PARAMS = frozenset({
    "access_token", "sign", "signature", "consumer_key", "consumer_secret", "partner_key", "app_secret",
    "client_secret", "token", "password", "x-shopify-access-token", "x-tts-access-token", "authorization",
})
_SECRET_NAME = (r"[\w.-]*(?:token|secret|passw(?:or)?d|pwd|signature|api[-_]?key|access[-_]?key"
                r"|private[-_]?key|partner[-_]?key|consumer[-_]?key|credentials?)[\w.-]*"
                r"|key|sign|sig|auth|authorization")
_NAME_RE = re.compile(rf"(?i)^(?:{_SECRET_NAME})$")
# name=value anywhere (query strings, form bodies, log lines); the name must not continue a longer word.
_PAIR_RE = re.compile(rf"(?i)(?<![\w.-])((?:{_SECRET_NAME})=)[^&\s\"'<>),;]+")
# Header-like "Authorization: Bearer x", "'X-Api-Token': 'x'" and JSON "token": "x".
_HEADER_RE = re.compile(rf"(?i)(?<![\w-])([\"']?(?:{_SECRET_NAME}|cookie|set-cookie)[\"']?\s*:\s*[\"']?)[^\"'\n,}}]+")
_SCHEME_RE = re.compile(r"(?i)\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{4,}")
_ROBOT_PATH_RE = re.compile(r"(?i)(/(?:robot|hooks?|services|webhooks?|bot/v2/hook)/)[^\s?#\"'<>)]+")
_USERINFO_RE = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@")
_URL_RE = re.compile(r"(?i)\bhttps?://[^\s\"'<>]+")


def secret_name(name: str) -> bool:
    """Does this parameter or header name carry a credential?"""
    return name.lower() in SENSITIVE_PARAMS or bool(_NAME_RE.match(name))


def redact_url(url: str) -> str:
    """The URL with secret query values, robot-token paths and userinfo passwords masked."""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return _patterns(url)
    query = urlencode([(k, MASK if secret_name(k) else v) for k, v in pairs], safe="*,:/")
    return _patterns(urlunsplit(parts._replace(query=query if pairs else parts.query)))


def _patterns(text: str) -> str:
    for pattern, keep in ((_USERINFO_RE, r"\1" + MASK + "@"), (_ROBOT_PATH_RE, r"\1" + MASK),
                          (_PAIR_RE, r"\1" + MASK), (_HEADER_RE, r"\1" + MASK), (_SCHEME_RE, r"\1 " + MASK)):
        text = pattern.sub(keep, text)
    return text


def redact(text: str | None) -> str | None:
    """The text with every URL and header-like secret masked (None stays None)."""
    if text is None:
        return None
    return _patterns(_URL_RE.sub(lambda m: redact_url(m.group(0)), str(text)))


@dataclass
class Redactor:
    """`redact` plus the exact secret values it was told about (a token may appear anywhere)."""

    secrets: set[str] = field(default_factory=set)

    def add(self, *values: str | None) -> None:
        self.secrets.update(v for v in values if v and len(v) >= 4)

    def add_url(self, url: str | None) -> None:
        """Treat the token-like parts of a secret URL (path segments, query values) as secrets."""
        if not url:
            return
        parts = urlsplit(url)
        self.add(*(s for s in parts.path.split("/") if len(s) >= 16 or (len(s) >= 6 and _has_digit(s))))
        self.add(*(v for _, v in parse_qsl(parts.query) if len(v) >= 6))

    def url(self, url: str) -> str:
        return self.text(redact_url(url))

    def text(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return redact(text) or ""


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's final message and traceback before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_log_redaction() -> None:
    """Redact every record that reaches the root logger's handlers (call after logging.basicConfig)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
