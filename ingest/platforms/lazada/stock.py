"""Lazada stock push: `POST /product/stock/sellable/update`.

Checked against open.lazada.com ("UpdateSellableQuantity") and client code calling it: the signed
parameter `payload` is XML, `<Request><Product><Skus><Sku><ItemId/><SkuId/><SellableQuantity/></Sku>
</Skus></Product></Request>`, setting the absolute sellable quantity; the reply is `{"code": "0"}` or an
error code with `detail` naming the SKU. A listing is `<item_id>/<sku_id>`, found by its seller SKU
with `GET /product/item/get?seller_sku=`.
"""

from __future__ import annotations

from typing import Any

from ingest.platforms.listing import listing_parts
from ingest.writeback.shipment import Call

SELLABLE_UPDATE = "/product/stock/sellable/update"
ITEM = "/product/item/get"


def resolve(connector: Any, seller_sku: str) -> str | None:
    """`<item_id>/<SkuId>` of the product SKU with this seller SKU, or None."""
    data = connector.send(lambda: connector.call("GET", ITEM, {"seller_sku": seller_sku})).body.get("data") or {}
    found = [s["SkuId"] for s in data.get("skus") or [] if s.get("SellerSku") == seller_sku]
    return f"{data['item_id']}/{found[0]}" if len(found) == 1 else None


def payload(item: int, sku: int, quantity: int) -> str:
    return (f"<Request><Product><Skus><Sku><ItemId>{item}</ItemId><SkuId>{sku}</SkuId>"
            f"<SellableQuantity>{quantity}</SellableQuantity></Sku></Skus></Product></Request>")


def current(connector: Any, listing_id: str) -> int | None:
    """The SKU's sellable quantity now (`/product/item/get?item_id=`, the SKU's `quantity`)."""
    item, sku = listing_parts("lazada", listing_id, 2)
    data = connector.send(lambda: connector.call("GET", ITEM, {"item_id": item})).body.get("data") or {}
    found = [s.get("quantity") for s in data.get("skus") or [] if s.get("SkuId") == sku]
    return int(found[0]) if found and found[0] is not None else None


def push(connector: Any, listing_id: str, quantity: int, send: bool = True) -> Call:
    """The sellable quantity of one SKU of one item."""
    item, sku = listing_parts("lazada", listing_id, 2)
    params = {"payload": payload(item, sku, quantity)}
    if send:
        connector.send(lambda: connector.call("POST", SELLABLE_UPDATE, params))
    return Call("POST", SELLABLE_UPDATE, params)
