"""Deterministic identifiers: the same inputs always give the same id, in every process and run.

That is what makes re-ingesting a payload a no-op: its rows get the ids they had the first time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: readable aloud and over the phone


# Two digits per look-up (10 bits, least significant digit first): ids are made for every row ingested.
_PAIRS = [low + high for high in _CROCKFORD for low in _CROCKFORD]


def _base32(digest: bytes, length: int) -> str:
    """The first 8 bytes as a number, written least significant digit first, `length` digits."""
    n = int.from_bytes(digest[:8], "big")
    if length > 14:
        return "".join([_PAIRS[(n >> shift) & 1023] for shift in range(0, 5 * length, 10)])[:length]
    p = _PAIRS
    pairs = p[n & 1023] + p[n >> 10 & 1023] + p[n >> 20 & 1023] + p[n >> 30 & 1023] + p[n >> 40 & 1023]
    return (pairs + p[n >> 50 & 1023] + p[n >> 60 & 1023])[:length]


def stable_hash(*parts: object, length: int = 12) -> str:
    """Crockford base32 of sha256 over the parts (12 chars = 60 bits: no collision at 10⁸ orders in practice)."""
    return _base32(_sha256(_joined(parts).encode("utf-8")).digest(), length)


def _joined(parts: Iterable[object]) -> str:
    return "\x1f".join(["" if p is None else str(p) for p in parts])


_sha256 = hashlib.sha256


def order_id(channel: str, shop_id: str, platform_order_id: str) -> str:
    """Internal order id, e.g. 'OH-7KQ2M9X4D1PA': stable from (channel, shop, platform order id) alone."""
    if type(shop_id) is str and type(platform_order_id) is str:  # stable_hash's text, joined without its checks
        return "OH-" + _base32(_sha256(f"{channel.lower()}\x1f{shop_id}\x1f{platform_order_id}".encode()).digest(), 12)
    return "OH-" + stable_hash(channel.lower(), shop_id, platform_order_id)


def order_no(order_id_: str, placed_at: datetime) -> str:
    """Readable order number for people, e.g. 'OH-20260120-7KQ2M9': placed date (UTC) + id prefix."""
    return f"OH-{placed_at:%Y%m%d}-{order_id_[3:9]}"


def event_id(order_id_: str, event: str, source: str, at: datetime) -> str:
    """The same step of the same order reported by the same source at the same instant is the same event.

    The instant is hashed in UTC (naive times are taken as UTC), so '10:00+08:00' and '02:00Z' agree.
    """
    return _base32(_sha256(_event_text(order_id_, event, source, at).encode("utf-8")).digest(), 13)


def _event_text(order_id_: str, event: str, source: str, at: datetime) -> str:
    """What an event id hashes: stable_hash's joined parts, the instant in UTC."""
    zone = at.tzinfo
    instant = at if zone is UTC else at.replace(tzinfo=UTC) if zone is None else at.astimezone(UTC)
    if type(order_id_) is str and type(event) is str and type(source) is str:  # joined without the generic checks
        return f"{order_id_}\x1f{event}\x1f{source}\x1f{instant.isoformat()}"
    return _joined((order_id_, event, source, instant.isoformat()))


_DIGITS = np.frombuffer(_CROCKFORD.encode(), dtype=np.uint8)


def event_id_column(
    order_ids: pa.Array | pa.ChunkedArray, events: pa.Array, sources: pa.Array, at: pa.Array
) -> pa.Array:
    """`event_id` of each row of these columns (text, text, text, timestamp) as one Arrow string column.

    For a page of events: the text each id hashes (stable_hash's joined parts, the instant's UTC isoformat)
    is built column-wise, only sha256 runs per event, and the digits are written for the whole column."""
    texts = pc.binary_join_element_wise(order_ids, events, sources, _utc_isoformat(at), "\x1f")
    if isinstance(texts, pa.ChunkedArray):  # columns taken from a table
        texts = texts.combine_chunks()
    return _digits_column(_hash_heads(texts), 13)


def _utc_isoformat(at: pa.Array) -> pa.Array:
    """`datetime.isoformat()` of each instant in UTC ('2026-03-01T10:15:00+00:00', a fraction only when not
    zero), from date and clock numbers: Arrow's strftime costs as much per value as Python's isoformat."""
    at = at.cast(pa.timestamp("us", tz="UTC"))

    def padded(numbers: pa.Array, width: int) -> pa.Array:
        return pc.utf8_lpad(pc.cast(numbers, pa.string()), width, "0")

    date = pc.binary_join_element_wise(padded(pc.year(at), 4), padded(pc.month(at), 2), padded(pc.day(at), 2), "-")
    clock = pc.binary_join_element_wise(padded(pc.hour(at), 2), padded(pc.minute(at), 2), padded(pc.second(at), 2),
                                        ":")
    micro = pc.add(pc.multiply(pc.millisecond(at), 1000), pc.microsecond(at))  # microsecond() is within the ms
    fraction = pc.if_else(pc.equal(micro, 0), "", pc.binary_join_element_wise(".", padded(micro, 6), ""))
    return pc.binary_join_element_wise(date, "T", clock, fraction, "+00:00", "")


def _hash_heads(texts: pa.Array) -> bytes:
    """The first 8 bytes of sha256 of each value of a string column, concatenated."""
    ends = np.frombuffer(texts.buffers()[1], dtype=np.int32)[texts.offset:texts.offset + len(texts) + 1].tolist()
    data = memoryview(texts.buffers()[2]) if len(texts) else memoryview(b"")
    return b"".join([_sha256(data[start:end]).digest()[:8] for start, end in pairwise(ends)])


def _digits_column(heads: bytes, length: int) -> pa.Array:
    """`_base32` of each 8-byte head, as an Arrow string column."""
    numbers = np.frombuffer(heads, dtype=">u8").astype(np.uint64)
    shifts = np.arange(0, 5 * length, 5, dtype=np.uint64)
    digits = _DIGITS[((numbers[:, None] >> shifts[None, :]) & np.uint64(31)).astype(np.intp)]
    offsets = np.arange(0, length * (len(numbers) + 1), length, dtype=np.int32)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(digits.tobytes())]
    return pa.Array.from_buffers(pa.string(), len(numbers), buffers)
