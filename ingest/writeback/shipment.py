"""What a shipment confirmation needs and what it sends: shared by the platforms' `confirm_shipment`.

    call = connector.confirm_shipment(shipment, send=False)   # the dry run: the request, not sent
    call.method, call.path, call.body                          # never a credential or a signature
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Shipment:
    """An order handed to the carrier: what its platform is told (the tracking number and carrier)."""

    order_id: str
    channel: str
    shop_id: str
    platform_order_id: str
    tracking_no: str
    carrier: str | None
    shipped_at: datetime


@dataclass(frozen=True)
class Call:
    """The confirming request as sent (or, in a dry run, as it would be); `already`: the platform shows
    the order shipped already (nothing was sent)."""

    method: str
    path: str
    body: Any
    already: bool = False

    def text(self) -> str:
        """One line for the dry run, the writebacks table and logs (no credentials are ever in it)."""
        return f"{self.method} {self.path} {json.dumps(self.body, ensure_ascii=False, sort_keys=True)}"
