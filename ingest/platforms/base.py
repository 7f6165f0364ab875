"""What one platform declares: the `Platform` record each `ingest/platforms/<code>/__init__.py` builds.

The registry (`ingest/platforms/__init__.py`) lists these records once; the connectors' table, the
normalizers' table, the sandbox's per-platform tables and the demo credentials all derive from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from ingest.connectors.base import Connector
from ingest.platforms.sample import SimOrder, raw_status
from models.channels import CHANNELS, Channel


@dataclass(frozen=True)
class SandboxShape:
    """How the sandbox plays this platform: its demo shop and credentials, how it writes an order (the
    inverse of the normalizer), its list envelope, its "slow down" body, and which required field the
    `drift` fault renames."""

    shop_id: str
    credentials: Mapping[str, str]  # published fake values; used only by channels marked `sandbox = true`
    order_id: Callable[[datetime, int], str]  # (placed, n) → the platform's id of the n-th sandbox order
    render: Callable[[SimOrder, str], dict[str, Any]]  # (order, its raw status) → the API's order object
    list_body: Callable[[list[dict[str, Any]]], Any]  # orders → the list endpoint's response body
    throttled: Any  # the body of the platform's rate-limit reply
    drift_field: str  # a field the normalizer requires (the placed time)
    api_root: str = ""  # where the API root sits under the sandbox's URL (Lazada's is `/rest`)


@dataclass(frozen=True)
class Platform:
    """One platform: its connector, its normalizer, its status vocabulary and its sandbox shapes."""

    code: str
    connector: type[Connector]
    normalizer: ModuleType  # has `normalize(payload, ...)` and `orders_in_response(body)`
    statuses: Mapping[str, str]  # canonical stage → the platform's raw status, for the stages it has
    sandbox: SandboxShape

    @property
    def channel(self) -> Channel:
        """Display names and chart colour (models/channels.py: the console knows channels without API too)."""
        return CHANNELS[self.code]

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(self.statuses)

    def render(self, sim: SimOrder) -> dict[str, Any]:
        """One order object exactly as this platform's order API returns it (Lazada: with `items` merged)."""
        return self.sandbox.render(sim, raw_status(self.statuses, sim.stage))
