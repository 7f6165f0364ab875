"""What every signing platform shares: HMAC-SHA256 hex, and a constant-time comparison for the sandbox.

Each platform's string-to-sign lives with its connector (`ingest/platforms/<code>/connector.py`, `sign`),
following the platform's published rule; tests/ingest/test_signing.py recomputes them by hand with `hmac`.
"""

from __future__ import annotations

import hashlib
import hmac


def hmac_hex(key: str, message: str) -> str:
    """HMAC-SHA256 of `message` keyed by `key`, lower-case hex."""
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison, for the sandbox's checks."""
    return hmac.compare_digest(a.encode(), b.encode())
