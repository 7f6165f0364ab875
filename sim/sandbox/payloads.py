"""Render a platform-neutral simulated order in each platform's real API JSON shape.

The sandbox marketplace serves these, so connectors and normalizers meet the same shapes as in
production. Each platform's renderer is its `ingest/platforms/<code>/sandbox.py` (beside the normalizer
it inverts); this module only looks them up in the platform registry:

    sim = SimOrder("240301ABC", "sg-main", "SGD", total="25.80", created=t0, stage="to_ship", paid=t1, ...)
    make_order("shopee", sim)   # {"order_sn": "240301ABC", "order_status": "READY_TO_SHIP", ...}

Round-trip promise (tests/ingest/test_payloads_roundtrip.py): normalizing `make_order(p, sim)` gives back
the sim's ids, amounts, stage and timestamps, for the stages the platform can express (STAGES[p]).
A stage a platform cannot express is shown as the platform would: warehouse steps (allocated, picked)
as its "to ship" status, a stage past its vocabulary as the nearest earlier one. Times are whole seconds
(Shopee, Lazada and TikTok send no fractions).
"""

from __future__ import annotations

from typing import Any

from ingest.platforms import PLATFORMS, UnknownPlatform, platform
from ingest.platforms.base import Platform
from ingest.platforms.sample import SimLine, SimOrder

__all__ = ["STAGES", "STATUS_FOR_STAGE", "SimLine", "SimOrder", "make_order", "wrap_response"]

# Canonical stage → the platform's raw status, and the stages each platform can express.
STATUS_FOR_STAGE: dict[str, dict[str, str]] = {code: dict(p.statuses) for code, p in PLATFORMS.items()}
STAGES: dict[str, tuple[str, ...]] = {code: p.stages for code, p in PLATFORMS.items()}


def _declared(code: str) -> Platform:
    try:
        return platform(code)
    except UnknownPlatform as exc:
        raise ValueError(str(exc)) from None


def make_order(code: str, sim: SimOrder) -> dict[str, Any]:
    """One order object exactly as the platform's order API returns it (Lazada: with `items` merged)."""
    return _declared(code).render(sim)


def wrap_response(code: str, orders: list[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    """A list response body around orders, as the platform's list endpoint returns it."""
    return _declared(code).sandbox.list_body(orders)
