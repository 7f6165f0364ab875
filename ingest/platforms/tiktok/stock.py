"""TikTok Shop stock push: `POST /product/202309/products/{product_id}/inventory/update`.

Checked against partner.tiktokshop.com (Product API 202309, "Update Inventory") and client code calling
it: body `{"skus": [{"id": <sku id>, "inventory": [{"warehouse_id", "quantity"}]}]}` sets the absolute
quantity in one warehouse; the reply `{"code": 0, "data": {}}`, a refusal a non-zero code. A listing is
`<product_id>/<sku_id>`; the warehouse is the channel option `warehouse_id` (the sandbox's by default).
"""

from __future__ import annotations

import json
from typing import Any

from ingest.http import FatalError
from ingest.platforms.listing import listing_parts
from ingest.writeback.shipment import Call

UPDATE_INVENTORY = "/product/202309/products/{product_id}/inventory/update"
SANDBOX_WAREHOUSE_ID = "7068517275539719942"


def push(connector: Any, listing_id: str, quantity: int, send: bool = True) -> Call:
    """One SKU's quantity in the channel's warehouse; the body text sent is the one signed."""
    product, sku = listing_parts("tiktok", listing_id, 2)
    warehouse = connector.cfg.options.get("warehouse_id") or (SANDBOX_WAREHOUSE_ID if connector.cfg.sandbox else None)
    if warehouse is None:
        raise FatalError(f"{connector.cfg.key}: options.warehouse_id is not set (TikTok Shop needs the warehouse)")
    body = {"skus": [{"id": str(sku), "inventory": [{"warehouse_id": str(warehouse), "quantity": quantity}]}]}
    path = UPDATE_INVENTORY.format(product_id=product)
    if send:
        text = json.dumps(body, separators=(",", ":"))
        connector.send(lambda: connector.call("POST", path, {}, text))
    return Call("POST", path, body)
