"""WooCommerce stock push: `PUT /wp-json/wc/v3/products/<id>` or `.../products/<id>/variations/<id>`.

Checked against woocommerce.github.io/woocommerce-rest-api-docs ("Update a product", "Update a product
variation"): `manage_stock: true` with `stock_quantity` sets the absolute stock; WooCommerce then derives
`stock_status` (`instock` / `outofstock`). An unknown id answers 404 `woocommerce_rest_product_invalid_id`.
A listing is `<product id>` or `<product id>/<variation id>`, found by its seller SKU with
`GET /products?sku=<sku>` (exact match; a variation answers with its `parent_id`).
"""

from __future__ import annotations

from typing import Any

from ingest.platforms.listing import listing_parts
from ingest.writeback.shipment import Call

PRODUCTS = "/wp-json/wc/v3/products"
PRODUCT = "/wp-json/wc/v3/products/{product_id}"
VARIATION = "/wp-json/wc/v3/products/{product_id}/variations/{variation_id}"


def resolve(connector: Any, seller_sku: str) -> str | None:
    """`<product id>` (or `<parent id>/<variation id>`) of the one product with this SKU, or None."""
    found = connector.client.get_json("GET", connector.base_url + PRODUCTS, params={"sku": seller_sku},
                                      auth=connector.auth()).body
    found = [p for p in found if isinstance(p, dict) and p.get("sku") == seller_sku] if isinstance(found, list) else []
    if len(found) != 1:
        return None
    p = found[0]
    return f"{p['parent_id']}/{p['id']}" if p.get("parent_id") else str(p["id"])


def current(connector: Any, listing_id: str) -> int | None:
    """The product's (or variation's) `stock_quantity` now; None when WooCommerce does not manage its stock."""
    found = connector.client.get_json("GET", connector.base_url + _path(listing_id), auth=connector.auth()).body
    return found.get("stock_quantity") if isinstance(found, dict) and found.get("manage_stock") else None


def _path(listing_id: str) -> str:
    parts = listing_parts("woocommerce", listing_id, 1, 2)
    return (PRODUCT.format(product_id=parts[0]) if len(parts) == 1
            else VARIATION.format(product_id=parts[0], variation_id=parts[1]))


def push(connector: Any, listing_id: str, quantity: int, send: bool = True) -> Call:
    """Stock managed, quantity set, on the product or the variation."""
    path = _path(listing_id)
    body = {"manage_stock": True, "stock_quantity": quantity}
    if send:
        connector.client.get_json("PUT", connector.base_url + path, json_body=body, auth=connector.auth())
    return Call("PUT", path, body)
