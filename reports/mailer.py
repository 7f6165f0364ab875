"""Messages out: compose a multipart e-mail, send it over SMTP one recipient at a time, or write it to disk.

SMTP comes from the environment, never from a tracked file:

    ORDERHUB_SMTP_HOST=smtp.example.com   ORDERHUB_SMTP_PORT=587   ORDERHUB_SMTP_SECURITY=starttls|ssl|none
    ORDERHUB_SMTP_USER=reports@example.com   ORDERHUB_SMTP_PASSWORD=…   ORDERHUB_SMTP_FROM="OrderHub <…>"

Without ORDERHUB_SMTP_HOST nothing is sent and the snapshot is written to `<data>/outbox/` instead.
"""

from __future__ import annotations

import base64
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from models import atomic
from models.settings import ConfigError
from reports.sent_log import DeliveryError

SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpConfig | None:
        """The SMTP server from ORDERHUB_SMTP_*; None when no host is set (outbox mode)."""
        env = os.environ if env is None else env
        host = env.get("ORDERHUB_SMTP_HOST", "").strip()
        if not host:
            return None
        security = env.get("ORDERHUB_SMTP_SECURITY", "starttls").strip().lower()
        if security not in SECURITY_PORTS:
            raise ConfigError(f"ORDERHUB_SMTP_SECURITY={security!r}: use starttls, ssl or none")
        port = env.get("ORDERHUB_SMTP_PORT", "").strip() or str(SECURITY_PORTS[security])
        if not port.isdigit():
            raise ConfigError(f"ORDERHUB_SMTP_PORT={port!r}: expected a port number such as 587")
        user = env.get("ORDERHUB_SMTP_USER") or None
        sender = env.get("ORDERHUB_SMTP_FROM") or user or "orderhub@localhost"
        return cls(host, int(port), security, user, env.get("ORDERHUB_SMTP_PASSWORD") or None, sender)


def compose(subject: str, sender: str, text: str, html: str, images: Mapping[str, bytes],
            attachments: Mapping[str, tuple[bytes, str]] = {}) -> EmailMessage:
    """text + HTML alternatives, the HTML's PNGs inline by Content-ID, then attachments (name → bytes, mime)."""
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["Date"] = subject, sender, formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="orderhub")
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    html_part = msg.get_payload()[1]
    for cid, png in images.items():
        html_part.add_related(png, "image", "png", cid=f"<{cid}>", filename=f"{cid.split('@')[0]}.png",
                              disposition="inline")
    for name, (data, subtype) in attachments.items():
        if isinstance(data, bytes):  # a binary file (the reconciliation workbook): application/<subtype>
            msg.add_attachment(data, maintype="application", subtype=subtype, filename=name)
        else:
            msg.add_attachment(data, subtype=subtype, filename=name)  # text/<subtype>; charset="utf-8"
    return msg


def new_cid(name: str) -> str:
    """A globally unique Content-ID (without angle brackets) for an inline image."""
    return make_msgid(idstring=name, domain="orderhub")[1:-1]


def inline_images(html: str, images: Mapping[str, bytes]) -> str:
    """The HTML with `cid:` sources replaced by data: URIs, so a saved .html shows its charts in a browser."""
    for cid, png in images.items():
        html = html.replace(f"cid:{cid}", "data:image/png;base64," + base64.b64encode(png).decode("ascii"))
    return html


def send_one(smtp: SmtpConfig, msg: EmailMessage, to: str, timeout_s: float = 30) -> None:
    """Deliver to one address; DeliveryError says whether a retry could help (4xx, network) or not (5xx)."""
    del msg["To"]
    msg["To"] = to
    try:
        with _connect(smtp, timeout_s) as server:
            if smtp.user and smtp.password:
                server.login(smtp.user, smtp.password)
            server.send_message(msg, from_addr=smtp.sender, to_addrs=[to])
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"SMTP login as {smtp.user} refused ({exc.smtp_code}): check ORDERHUB_SMTP_USER "
                            "and ORDERHUB_SMTP_PASSWORD", retriable=False) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        raise DeliveryError(f"{to} refused by {smtp.host}: {code} {_text(reason)}", retriable=code < 500) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{smtp.host} answered {exc.smtp_code} {_text(exc.smtp_error)} for {to}",
                            retriable=exc.smtp_code < 500) from exc
    except (smtplib.SMTPNotSupportedError, ssl.SSLError) as exc:
        raise DeliveryError(f"{smtp.host}:{smtp.port} does not speak {smtp.security} ({exc}): check "
                            "ORDERHUB_SMTP_SECURITY and ORDERHUB_SMTP_PORT", retriable=False) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"cannot reach {smtp.host}:{smtp.port} ({exc.__class__.__name__}: {exc})") from exc


def _connect(smtp: SmtpConfig, timeout_s: float) -> smtplib.SMTP:
    if smtp.security == "ssl":
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout_s, context=ssl.create_default_context())
    server = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout_s)
    if smtp.security == "starttls":
        server.starttls(context=ssl.create_default_context())
    return server


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def write_files(folder: Path, stem: str, msg: EmailMessage, html: str) -> tuple[Path, Path]:
    """`<stem>.eml` (the whole message) and `<stem>.html` (self-contained preview), each replaced atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    eml, page = folder / f"{stem}.eml", folder / f"{stem}.html"
    _replace(eml, msg.as_bytes())
    _replace(page, html.encode("utf-8"))
    return eml, page


def _replace(path: Path, data: bytes) -> None:
    atomic.write_bytes(path, data)
