"""Ids: the digit encoding checked against a plain one-digit-at-a-time conversion of the same number."""

from __future__ import annotations

import hashlib
import random

from models import ids

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference_base32(digest: bytes, length: int) -> str:
    """The first 8 bytes as a big-endian number, base 32, least significant digit first."""
    number = int.from_bytes(digest[:8], "big")
    return "".join(CROCKFORD[(number // 32**k) % 32] for k in range(length))


def test_base32_matches_digit_by_digit_conversion():
    rng = random.Random(5)
    digests = [bytes(32), b"\xff" * 32] + [rng.randbytes(32) for _ in range(3000)]
    for digest in digests:
        for length in (1, 12, 13, 14, 15, 20):
            assert ids._base32(digest, length) == reference_base32(digest, length)


def test_ids_are_sha256_of_the_joined_parts():
    digest = hashlib.sha256(b"shopee\x1fs1\x1f2401").digest()
    assert ids.order_id("Shopee", "s1", "2401") == "OH-" + reference_base32(digest, 12)
    assert ids.stable_hash("a", None, 3) == reference_base32(hashlib.sha256(b"a\x1f\x1f3").digest(), 12)
