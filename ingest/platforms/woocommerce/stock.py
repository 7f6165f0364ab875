"""WooCommerce stock push: `PUT /wp-json/wc/v3/products/<id>` or `.../products/<id>/variations/<id>`.

Checked against woocommerce.github.io/woocommerce-rest-api-docs ("Update a product", "Update a product
variation"): `manage_stock: true` with `stock_quantity` sets the absolute stock; WooCommerce then derives
`stock_status` (`instock` / `outofstock`). An unknown id answers 404 `woocommerce_rest_product_invalid_id`.
A listing is `<product id>` or `<product id>/<variation id>`.
"""

from __future__ import annotations

from typing import Any

from ingest.platforms.listing import listing_parts
from ingest.writeback.shipment import Call

PRODUCT = "/wp-json/wc/v3/products/{product_id}"
VARIATION = "/wp-json/wc/v3/products/{product_id}/variations/{variation_id}"


def push(connector: Any, listing_id: str, quantity: int, send: bool = True) -> Call:
    """Stock managed, quantity set, on the product or the variation."""
    parts = listing_parts("woocommerce", listing_id, 1, 2)
    path = (PRODUCT.format(product_id=parts[0]) if len(parts) == 1
            else VARIATION.format(product_id=parts[0], variation_id=parts[1]))
    body = {"manage_stock": True, "stock_quantity": quantity}
    if send:
        connector.client.get_json("PUT", connector.base_url + path, json_body=body, auth=connector.auth())
    return Call("PUT", path, body)
