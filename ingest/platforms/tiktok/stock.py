"""TikTok Shop stock push: `POST /product/202309/products/{product_id}/inventory/update`.

Checked against partner.tiktokshop.com (Product API 202309, "Update Inventory") and client code calling
it: body `{"skus": [{"id": <sku id>, "inventory": [{"warehouse_id", "quantity"}]}]}` sets the absolute
quantity in one warehouse; the reply `{"code": 0, "data": {}}`, a refusal a non-zero code. A listing is
`<product_id>/<sku_id>`, found by its seller SKU with `POST /product/202309/products/search`
(`seller_skus` in the body); the warehouse is the channel option `warehouse_id` (the sandbox's by default).
"""

from __future__ import annotations

import json
from typing import Any

from ingest.platforms.listing import channel_option, listing_parts
from ingest.writeback.shipment import Call

UPDATE_INVENTORY = "/product/202309/products/{product_id}/inventory/update"
SANDBOX_WAREHOUSE_ID = "7068517275539719942"
SEARCH = "/product/202309/products/search"
PRODUCT = "/product/202309/products/{product_id}"


def resolve(connector: Any, seller_sku: str) -> str | None:
    """`<product_id>/<sku_id>` of the SKU with this seller SKU, or None."""
    text = json.dumps({"seller_skus": [seller_sku]}, separators=(",", ":"))
    data = connector.send(lambda: connector.call("POST", SEARCH, {"page_size": 2}, text)).body["data"]
    found = [(p["id"], s["id"]) for p in data.get("products") or [] for s in p.get("skus") or []
             if s.get("seller_sku") == seller_sku]
    return f"{found[0][0]}/{found[0][1]}" if len(found) == 1 else None


def current(connector: Any, listing_id: str) -> int | None:
    """The SKU's quantity in the channel's warehouse now (`GET /product/202309/products/{product_id}`)."""
    product, sku = listing_parts("tiktok", listing_id, 2)
    warehouse = _warehouse(connector)
    data = connector.send(lambda: connector.call("GET", PRODUCT.format(product_id=product), {}, "")).body["data"]
    for s in data.get("skus") or []:
        if str(s.get("id")) == str(sku):
            return next((int(i["quantity"]) for i in s.get("inventory") or [] if i.get("warehouse_id") == warehouse),
                        None)
    return None


def _warehouse(connector: Any) -> str:
    return channel_option(connector, "warehouse_id", SANDBOX_WAREHOUSE_ID, "TikTok Shop")


def push(connector: Any, listing_id: str, quantity: int, send: bool = True) -> Call:
    """One SKU's quantity in the channel's warehouse; the body text sent is the one signed."""
    product, sku = listing_parts("tiktok", listing_id, 2)
    body = {"skus": [{"id": str(sku), "inventory": [{"warehouse_id": _warehouse(connector), "quantity": quantity}]}]}
    path = UPDATE_INVENTORY.format(product_id=product)
    if send:
        text = json.dumps(body, separators=(",", ":"))
        connector.send(lambda: connector.call("POST", path, {}, text))
    return Call("POST", path, body)
