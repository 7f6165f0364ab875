"""Switchable faults per channel, so tests and demos can make any platform misbehave on purpose.

    faults.add("shopee", "429", times=2, retry_after=1)   # the next 2 Shopee requests are throttled
    faults.add("tiktok", "drift")                         # every TikTok order renames a required field

Kinds: `429` (throttled, with Retry-After), `503`, `slow` (sleep `delay_s`, then answer), `malformed`
(a 200 whose JSON is cut short), `drift` (a required field renamed), `duplicate_pages` (each page also
repeats half of the previous one), `repeat_token` (the next-page token never changes), `churn` (after
serving a page of an order list, `orders` of the orders on it are edited, so they leave their place and
every later order moves up: what a busy shop does to a client paging by offset), `expire_token` (every
access token the sandbox issued for the channel expires now; its refresh token still works).
`times` counts requests (-1: until cleared); `after` lets that many requests through first.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

from ingest.platforms import PLATFORMS

KINDS = ("429", "503", "slow", "malformed", "drift", "duplicate_pages", "repeat_token", "churn", "expire_token")
# The field each platform's normalizer requires that `drift` renames (placed time everywhere).
DRIFT_FIELDS = {code: p.sandbox.drift_field for code, p in PLATFORMS.items()}


@dataclass
class Fault:
    kind: str
    times: int = -1
    after: int = 0
    retry_after: float = 1.0
    delay_s: float = 2.0
    orders: int = 2  # churn: orders edited after each list page


class Faults:
    """The active faults of every channel; `draw(channel)` consumes one request's worth of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, list[Fault]] = {}

    def add(self, channel: str, kind: str, **options: float) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(KINDS)}")
        fault = Fault(kind, **{k: type(getattr(Fault, k))(v) for k, v in options.items()})
        with self._lock:
            self._faults.setdefault(channel, []).append(fault)
        return fault

    def clear(self, channel: str | None = None) -> None:
        with self._lock:
            if channel is None:
                self._faults.clear()
            else:
                self._faults.pop(channel, None)

    def listing(self) -> dict[str, list[dict]]:
        with self._lock:
            return {ch: [asdict(f) for f in fs] for ch, fs in self._faults.items() if fs}

    def draw(self, channel: str) -> dict[str, Fault]:
        """The faults that apply to this request (kind → fault); counts it against each one."""
        active: dict[str, Fault] = {}
        with self._lock:
            keep = []
            for f in self._faults.get(channel, []):
                if f.after > 0:
                    f.after -= 1
                    keep.append(f)
                    continue
                active.setdefault(f.kind, f)
                if f.times > 0:
                    f.times -= 1
                if f.times != 0:
                    keep.append(f)
            self._faults[channel] = keep
        return active


def parse_cli(spec: str) -> tuple[str, str, dict[str, float]]:
    """`channel:kind[:times[:after]]` from the command line, e.g. `shopee:429:2`."""
    parts = spec.split(":")
    if len(parts) < 2:
        raise ValueError(f"fault {spec!r}: expected channel:kind[:times[:after]]")
    options = {k: float(v) for k, v in zip(("times", "after"), parts[2:], strict=False)}
    return parts[0], parts[1], options
