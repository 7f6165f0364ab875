"""Ids: the digit encoding checked against a plain one-digit-at-a-time conversion of the same number."""

from __future__ import annotations

import hashlib
import random

import pyarrow as pa

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


def test_fast_paths_equal_the_joined_parts():
    """order_id and event_id skip stable_hash's generic join for plain text; the id must not change."""
    from datetime import UTC, datetime, timedelta, timezone

    class Text(str):
        def __str__(self) -> str:
            return "other"

    at = datetime(2026, 3, 1, 10, 15, 0, 7, tzinfo=timezone(timedelta(hours=8)))
    for shop, ref in [("s1", "2401"), ("店铺", "A-1\x1f"), ("s", ""), (Text("x"), "1"), ("s", 12)]:
        assert ids.order_id("Shopee", shop, ref) == "OH-" + ids.stable_hash("shopee", shop, ref)  # type: ignore[arg-type]
    for when in (at, at.astimezone(UTC), at.replace(tzinfo=None)):
        utc = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        for oid in ("OH-ABC", Text("OH-ABC")):
            assert ids.event_id(oid, "paid", "platform", when) == ids.stable_hash(
                oid, "paid", "platform", utc.isoformat(), length=13)


def test_event_id_column_equals_event_id_row_by_row():
    from datetime import UTC, datetime, timedelta, timezone

    rng = random.Random(11)
    zones = [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30)), None]
    events = [
        (f"OH-{rng.getrandbits(60):X}", rng.choice(["placed", "paid", "已付款"]), rng.choice(["platform", "wms"]),
         datetime(1, 1, 1, tzinfo=UTC).replace(tzinfo=rng.choice(zones), year=rng.choice([1, 999, 1969, 2020]))
         + timedelta(seconds=rng.randrange(10**9), microseconds=rng.choice([0, rng.randrange(10**6)])))
        for _ in range(2000)
    ]
    columns = [pa.array([e[n] for e in events], pa.string()) for n in range(3)]
    at = pa.array([e[3] if e[3].tzinfo else e[3].replace(tzinfo=UTC) for e in events], pa.timestamp("us", tz="UTC"))
    assert ids.event_id_column(*columns, at).to_pylist() == [ids.event_id(*e) for e in events]
    chunked = pa.chunked_array([columns[0][:700], columns[0][700:]])
    assert ids.event_id_column(chunked, *columns[1:], at).to_pylist() == [ids.event_id(*e) for e in events]
    empty = pa.array([], pa.string())
    assert ids.event_id_column(empty, empty, empty, pa.array([], pa.timestamp("us", tz="UTC"))).to_pylist() == []
