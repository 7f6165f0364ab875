"""Shopify stock push: `POST /admin/api/<version>/inventory_levels/set.json`.

Checked against shopify.dev "InventoryLevel: set" (REST Admin): body `{location_id, inventory_item_id,
available}` sets the absolute quantity of one inventory item at one location; the reply is
`{"inventory_level": {inventory_item_id, location_id, available, updated_at}}`; an unknown item is 404,
an item that does not track inventory 422. A listing is the variant's `inventory_item_id`; the location is
the channel option `location_id` (the sandbox's default for a `sandbox = true` channel).

The seller SKU the hub knows (sku_map's listing id) is looked up once in the Admin GraphQL API
(`productVariants(query: "sku:<sku>")` → the variant's `inventoryItem.id`, a `gid://` id).
"""

from __future__ import annotations

from typing import Any

from ingest.platforms.listing import channel_option, listing_parts
from ingest.writeback.shipment import Call

SET_LEVEL = "/admin/api/{api_version}/inventory_levels/set.json"
SANDBOX_LOCATION_ID = 65000000001
LEVELS = "/admin/api/{api_version}/inventory_levels.json"
GRAPHQL = "/admin/api/{api_version}/graphql.json"
VARIANT_BY_SKU = ("query($q: String!) { productVariants(first: 2, query: $q) "
                  "{ edges { node { sku inventoryItem { id } } } } }")


def resolve(connector: Any, seller_sku: str) -> str | None:
    """The inventory item id of the variant with this SKU (exact match), or None."""
    body = {"query": VARIANT_BY_SKU, "variables": {"q": f"sku:{seller_sku}"}}
    edges = ((connector.call("POST", GRAPHQL, json_body=body).body.get("data") or {})
             .get("productVariants") or {}).get("edges") or []
    found = [e["node"]["inventoryItem"]["id"] for e in edges if e["node"].get("sku") == seller_sku]
    return found[0].rsplit("/", 1)[-1] if len(found) == 1 else None


def current(connector: Any, listing_id: str) -> int | None:
    """The item's `available` at the channel's location now (`GET inventory_levels.json`); None: not stocked."""
    (item,) = listing_parts("shopify", listing_id, 1)
    params = {"inventory_item_ids": item, "location_ids": _location(connector)}
    levels = connector.call("GET", LEVELS, params=params).body.get("inventory_levels") or []
    return levels[0].get("available") if levels else None


def _location(connector: Any) -> int:
    return int(channel_option(connector, "location_id", SANDBOX_LOCATION_ID, "Shopify"))


def push(connector: Any, listing_id: str, quantity: int, send: bool = True) -> Call:
    """Set the listing's available quantity at the channel's location."""
    (item,) = listing_parts("shopify", listing_id, 1)
    body = {"location_id": _location(connector), "inventory_item_id": item, "available": quantity}
    if send:
        connector.call("POST", SET_LEVEL, json_body=body)
    return Call("POST", SET_LEVEL, body)
