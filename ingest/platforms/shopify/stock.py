"""Shopify stock push: `POST /admin/api/<version>/inventory_levels/set.json`.

Checked against shopify.dev "InventoryLevel: set" (REST Admin): body `{location_id, inventory_item_id,
available}` sets the absolute quantity of one inventory item at one location; the reply is
`{"inventory_level": {inventory_item_id, location_id, available, updated_at}}`; an unknown item is 404,
an item that does not track inventory 422. A listing is the variant's `inventory_item_id`; the location is
the channel option `location_id` (the sandbox's default for a `sandbox = true` channel).
"""

from __future__ import annotations

from typing import Any

from ingest.http import FatalError
from ingest.platforms.listing import listing_parts
from ingest.writeback.shipment import Call

SET_LEVEL = "/admin/api/{api_version}/inventory_levels/set.json"
SANDBOX_LOCATION_ID = 65000000001


def push(connector: Any, listing_id: str, quantity: int, send: bool = True) -> Call:
    """Set the listing's available quantity at the channel's location."""
    (item,) = listing_parts("shopify", listing_id, 1)
    location = connector.cfg.options.get("location_id") or (SANDBOX_LOCATION_ID if connector.cfg.sandbox else None)
    if location is None:
        raise FatalError(f"{connector.cfg.key}: options.location_id is not set (Shopify needs the location)")
    body = {"location_id": int(location), "inventory_item_id": item, "available": quantity}
    if send:
        connector.call("POST", SET_LEVEL, json_body=body)
    return Call("POST", SET_LEVEL, body)
