"""Render a platform-neutral simulated order in each platform's real API JSON shape.

The sandbox marketplace serves these, so connectors and normalizers meet the same shapes as in
production (the per-platform docstrings in ingest/normalize/ name the documentation behind each shape):

    sim = SimOrder("240301ABC", "sg-main", "SGD", total="25.80", created=t0, stage="to_ship", paid=t1, ...)
    make_order("shopee", sim)   # {"order_sn": "240301ABC", "order_status": "READY_TO_SHIP", ...}

Round-trip promise (tests/ingest/test_payloads_roundtrip.py): normalizing `make_order(p, sim)` gives back
the sim's ids, amounts, stage and timestamps, for the stages the platform can express (STAGES[p]).
A stage a platform cannot express is shown as the platform would: warehouse steps (allocated, picked)
as its "to ship" status, a stage past its vocabulary as the nearest earlier one. Times are whole seconds
(Shopee, Lazada and TikTok send no fractions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.sandbox import shapes
from sim.sandbox.sim import STAGES, STATUS_FOR_STAGE, SimLine, SimOrder, raw_status

__all__ = ["STAGES", "STATUS_FOR_STAGE", "SimLine", "SimOrder", "make_order", "raw_status", "wrap_response"]


RENDERERS: dict[str, Callable[[SimOrder], dict[str, Any]]] = {
    "shopify": shapes.shopify,
    "woocommerce": shapes.woocommerce,
    "shopee": shapes.shopee,
    "lazada": shapes.lazada,
    "tiktok": shapes.tiktok,
}


def make_order(platform: str, sim: SimOrder) -> dict[str, Any]:
    """One order object exactly as `platform`'s order API returns it (Lazada: with `items` merged)."""
    try:
        render = RENDERERS[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}; known: {', '.join(sorted(RENDERERS))}") from None
    return render(sim)


def wrap_response(platform: str, orders: list[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    """A list response body around orders, as the platform's list endpoint returns it."""
    if platform == "shopify":
        return {"orders": orders}
    if platform == "woocommerce":
        return orders
    if platform == "shopee":
        return {"error": "", "message": "", "request_id": "sandbox", "response": {"order_list": orders}}
    if platform == "lazada":
        bare = [{k: v for k, v in o.items() if k != "items"} for o in orders]
        return {
            "code": "0",
            "request_id": "sandbox",
            "data": {"count": len(bare), "countTotal": len(bare), "orders": bare},
        }
    if platform == "tiktok":
        return {
            "code": 0,
            "message": "Success",
            "request_id": "sandbox",
            "data": {"orders": orders, "total_count": len(orders)},
        }
    raise ValueError(f"unknown platform {platform!r}; known: {', '.join(sorted(RENDERERS))}")
