"""Webhook signatures (Stripe's scheme): `X-OrderHub-Signature: t=<unix seconds>,v1=<hex>` where
hex = HMAC-SHA256(secret, f"{t}." + raw body). The timestamp is signed too, so an old delivery cannot be
replayed with a fresh time; one older (or newer) than the tolerance is refused.

    header = signature_header(secret, body)            # a sender
    verify(header, body, secret, tolerance_s=300)     # the receiver: raises BadSignature with the reason
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-OrderHub-Signature"


class BadSignature(ValueError):
    """Missing, malformed, wrong or outside the time tolerance; the message says which (never the secret)."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={sign(secret, t, body)}"


def _parts(header: str | None) -> tuple[int, list[str]]:
    if not header:
        raise BadSignature(f"{HEADER} header missing: sign the body (docs/events.md)")
    items = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in items if k.strip() == "t"]
    sigs = [v.strip() for k, v in items if k.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not sigs:
        raise BadSignature(f"{HEADER} header malformed: expected t=<unix seconds>,v1=<hex>")
    return int(stamps[0]), sigs


def verify(header: str | None, body: bytes, secret: str, *, tolerance_s: float = 300,
           now: float | None = None) -> int:
    """The signed timestamp, if the header signs this body with this secret within the tolerance."""
    timestamp, sigs = _parts(header)
    age = (time.time() if now is None else now) - timestamp
    if abs(age) > tolerance_s:
        raise BadSignature(f"signature timestamp is {age:.0f} s from now (tolerance {tolerance_s:.0f} s): "
                           "check the sender's clock, or this is a replay")
    expected = sign(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, s) for s in sigs):
        raise BadSignature("signature does not match the body: wrong secret, or the body changed in transit")
    return timestamp
