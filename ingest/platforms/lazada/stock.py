"""Lazada stock push: `POST /product/stock/sellable/update`.

Checked against open.lazada.com ("UpdateSellableQuantity") and client code calling it: the signed
parameter `payload` is XML, `<Request><Product><Skus><Sku><ItemId/><SkuId/><SellableQuantity/></Sku>
</Skus></Product></Request>`, setting the absolute sellable quantity; the reply is `{"code": "0"}` or an
error code with `detail` naming the SKU. A listing is `<item_id>/<sku_id>`.
"""

from __future__ import annotations

from typing import Any

from ingest.platforms.listing import listing_parts
from ingest.writeback.shipment import Call

SELLABLE_UPDATE = "/product/stock/sellable/update"


def payload(item: int, sku: int, quantity: int) -> str:
    return (f"<Request><Product><Skus><Sku><ItemId>{item}</ItemId><SkuId>{sku}</SkuId>"
            f"<SellableQuantity>{quantity}</SellableQuantity></Sku></Skus></Product></Request>")


def push(connector: Any, listing_id: str, quantity: int, send: bool = True) -> Call:
    """The sellable quantity of one SKU of one item."""
    item, sku = listing_parts("lazada", listing_id, 2)
    params = {"payload": payload(item, sku, quantity)}
    if send:
        connector.send(lambda: connector.call("POST", SELLABLE_UPDATE, params))
    return Call("POST", SELLABLE_UPDATE, params)
