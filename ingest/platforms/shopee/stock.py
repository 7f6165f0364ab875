"""Shopee stock push: `POST /api/v2/product/update_stock`.

Checked against open.shopee.com ("v2.product.update_stock") and SDKs calling it: body `{item_id,
stock_list: [{model_id, seller_stock: [{stock}]}]}` (model_id 0 for an item without variations) sets the
seller stock; the reply's `response` holds `success_list` and `failure_list` (`model_id`,
`failed_reason`): a failure inside a 200 is a refusal. A listing is `<item_id>/<model_id>`, found by its
seller SKU with `v2.product.search_item` (`item_sku`)
and `v2.product.get_model_list` (the model whose `model_sku` it is; model 0 for an item without models).
"""

from __future__ import annotations

from typing import Any

from ingest.http import FatalError, Response
from ingest.platforms.listing import listing_parts
from ingest.writeback.shipment import Call

UPDATE_STOCK = "/api/v2/product/update_stock"
SEARCH_ITEM = "/api/v2/product/search_item"
MODEL_LIST = "/api/v2/product/get_model_list"


def _get(connector: Any, path: str, params: dict[str, Any]) -> dict[str, Any]:
    return connector.send(lambda: connector.client.get_json(
        "GET", connector.base_url + path, params={**connector.common(path), **params}, check=connector.check)
    ).body["response"]


def resolve(connector: Any, seller_sku: str) -> str | None:
    """`<item_id>/<model_id>` of the item with this SKU, or None (none, or more than one)."""
    items = _get(connector, SEARCH_ITEM, {"item_sku": seller_sku, "page_size": 2}).get("item_id_list") or []
    if len(items) != 1:
        return None
    models = _get(connector, MODEL_LIST, {"item_id": items[0]}).get("model") or []
    if not models:
        return f"{items[0]}/0"
    found = [m["model_id"] for m in models if m.get("model_sku") == seller_sku]
    return f"{items[0]}/{found[0]}" if len(found) == 1 else None


def current(connector: Any, listing_id: str) -> int | None:
    """The model's seller stock now (`get_model_list`, `stock_info_v2.seller_stock`)."""
    item, model = listing_parts("shopee", listing_id, 2)
    for m in _get(connector, MODEL_LIST, {"item_id": item}).get("model") or []:
        if m.get("model_id") == model:
            stocks = (m.get("stock_info_v2") or {}).get("seller_stock") or []
            return sum(int(s.get("stock") or 0) for s in stocks)
    return None


def push(connector: Any, listing_id: str, quantity: int, send: bool = True) -> Call:
    """Seller stock of one model of one item (signed like every shop-level call)."""
    item, model = listing_parts("shopee", listing_id, 2)
    body = {"item_id": item, "stock_list": [{"model_id": model, "seller_stock": [{"stock": quantity}]}]}

    def check(resp: Response) -> None:
        connector.check(resp)
        failed = resp.body["response"].get("failure_list") or []
        if failed:
            raise FatalError(f"{connector.cfg.key}: shopee update_stock refused: {failed[0].get('failed_reason')}")

    if send:
        connector.send(lambda: connector.client.get_json(
            "POST", connector.base_url + UPDATE_STOCK, params=connector.common(UPDATE_STOCK), json_body=body,
            check=check))
    return Call("POST", UPDATE_STOCK, body)
