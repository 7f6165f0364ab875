"""The platforms' stock calls as the sandbox accepts them, and buyers who cannot buy beyond stock.

Every platform lists each catalogue SKU and a bundle once (`catalogue()`, the seller SKU as the platform
stores it, ids in the platform's own shape, see ingest/platforms/listing.py), and answers the look-up of
a seller SKU its stock module makes. A listing's quantity is unknown (not tracked: it sells freely, as the
generated history does) until the hub pushes one; from then on the platform keeps count: a checkout takes
units off it and is refused once it would go below zero (`checkout`), the way a shop refuses to sell
what it does not have. A push sets the absolute quantity (every one of these APIs does), is authenticated
and signed like the platform's reads (apis.py), checked (a refusal answers in the platform's error shape)
and recorded (`sets`, `GET /_sandbox/listings`); the platform's faults apply.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ingest.platforms import PLATFORMS
from ingest.platforms.lazada import stock as lazada
from ingest.platforms.lazada.stock import SELLABLE_UPDATE
from ingest.platforms.sample import SimLine
from ingest.platforms.shopee import stock as shopee
from ingest.platforms.shopee.stock import UPDATE_STOCK
from ingest.platforms.shopify import stock as shopify
from ingest.platforms.shopify.stock import SANDBOX_LOCATION_ID, SET_LEVEL
from ingest.platforms.tiktok import stock as tiktok
from ingest.platforms.tiktok.stock import SANDBOX_WAREHOUSE_ID, UPDATE_INVENTORY
from ingest.platforms.woocommerce import stock as woocommerce
from ingest.platforms.woocommerce.stock import PRODUCT
from sim.sandbox.apis import Api, Reply, Req, _path_matches, lazada_error, shopee_error, tiktok_error
from sim.sandbox.faults import Fault
from sim.sandbox.market import SKUS
from sim.sandbox.shipping import _json

Handler = Callable[[Req, dict[str, Fault]], Reply]
# The platform's listing id of the catalogue's n-th SKU (1-based), in the shape its stock call names it.
LISTING_IDS: dict[str, Callable[[int], str]] = {
    "shopify": lambda n: f"{44000000000 + n}",
    "woocommerce": lambda n: f"{500 + n}",  # simple products (a variation's id would be `<parent>/<id>`)
    "shopee": lambda n: f"{3000000 + n}/{9000000 + n}",
    "lazada": lambda n: f"{2100000 + n}/{7700000 + n}",
    "tiktok": lambda n: f"{1729000000000 + n}/{1729500000000 + n}",
}


# A set sold as one listing (its seller SKU names no catalogue SKU: the hub's sku_map says what is in it).
BUNDLES = [("SET-SKN-001-002", "Serum and night cream set", "399.00")]


@dataclass
class Listing:
    platform: str
    listing_id: str
    sku: str
    title: str
    price: str
    quantity: int | None = None  # None: not tracked yet (sells freely)
    sold: int = 0  # units sold through checkouts
    refused: int = 0  # checkouts refused for want of stock
    sets: int = 0  # pushes accepted
    repeats: int = 0  # pushes that set the quantity it already had


def catalogue() -> dict[tuple[str, str], Listing]:
    return {(p, LISTING_IDS[p](n)): Listing(p, LISTING_IDS[p](n), sku, title, price)
            for p in PLATFORMS for n, (sku, title, price) in enumerate(SKUS + BUNDLES, start=1)}


class Storefront:
    """Listings, the stock routes and checkouts; thread-safe (the server is threaded)."""

    def __init__(self, api: Api):
        self.api, self.lock = api, threading.Lock()
        self.listings = catalogue()
        self.lookups = 0  # catalogue look-ups (seller SKU → the platform's ids)
        self.routes: list[tuple[str, str, str, Handler]] = [
            ("shopify", "POST", shopify.GRAPHQL, self.shopify_variants),
            ("woocommerce", "GET", woocommerce.PRODUCTS, self.woocommerce_products),
            ("shopee", "GET", shopee.SEARCH_ITEM, self.shopee_search),
            ("shopee", "GET", shopee.MODEL_LIST, self.shopee_models),
            ("lazada", "GET", PLATFORMS["lazada"].sandbox.api_root + lazada.ITEM, self.lazada_item),
            ("tiktok", "POST", tiktok.SEARCH, self.tiktok_search),
            ("shopify", "GET", shopify.LEVELS, self.shopify_levels),
            ("woocommerce", "GET", PRODUCT, self.woocommerce_product),
            ("tiktok", "GET", tiktok.PRODUCT, self.tiktok_product),
            ("shopify", "POST", SET_LEVEL, self.shopify),
            ("woocommerce", "PUT", PRODUCT, self.woocommerce),
            ("shopee", "POST", UPDATE_STOCK, self.shopee),
            ("lazada", "POST", PLATFORMS["lazada"].sandbox.api_root + SELLABLE_UPDATE, self.lazada),
            ("tiktok", "POST", UPDATE_INVENTORY, self.tiktok),
        ]

    def route(self, req: Req) -> tuple[str, Handler] | None:
        for channel, method, template, handler in self.routes:
            if req.method == method and _path_matches(template, req.path):
                return channel, handler
        return None

    def listing(self, platform: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [asdict(v) for v in self.listings.values() if platform in (None, v.platform)]

    def set(self, platform: str, listing_id: str, quantity: Any) -> str | None:
        """Apply a push; the reason it is refused otherwise (None: accepted)."""
        found = self.listings.get((platform, listing_id))
        if found is None:
            return f"listing {listing_id} not found"
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            return f"quantity must be a whole number ≥ 0, got {quantity!r}"
        with self.lock:
            found.repeats += found.quantity == quantity
            found.quantity, found.sets = quantity, found.sets + 1
        return None

    def checkout(self, platform: str, listing_id: str, qty: int = 1, buyer: int = 0) -> str | None:
        """A buyer orders `qty` of a listing: the new order's id, or None when the platform refuses (stock)."""
        found = self.listings[(platform, listing_id)]
        with self.lock:
            if found.quantity is not None and found.quantity < qty:
                found.refused += 1
                return None
            if found.quantity is not None:
                found.quantity -= qty
            found.sold += qty
        line = SimLine(found.sku, found.title, qty, found.price)
        return self.api.market.place(platform, [line], buyer).platform_order_id

    def by_sku(self, platform: str, seller_sku: str) -> list[Listing]:
        with self.lock:
            self.lookups += 1
        return [v for v in self.listings.values() if v.platform == platform and v.sku == seller_sku]

    # -- catalogue look-ups ---------------------------------------------------------------------------
    def shopify_variants(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopify_auth(req)
        q = ((_json(req).get("variables") or {}).get("q") or "")
        if not q.startswith("sku:"):
            return Reply(200, {"errors": [{"message": "Variable $q of type String! was provided invalid value"}]})
        edges = [{"node": {"sku": v.sku, "inventoryItem": {"id": f"gid://shopify/InventoryItem/{v.listing_id}"}}}
                 for v in self.by_sku("shopify", q.removeprefix("sku:"))]
        return Reply(200, {"data": {"productVariants": {"edges": edges}}})

    def woocommerce_products(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.woocommerce_auth(req)
        return Reply(200, [{"id": int(v.listing_id), "sku": v.sku, "name": v.title, "type": "simple",
                            "parent_id": 0, "manage_stock": v.quantity is not None, "stock_quantity": v.quantity}
                           for v in self.by_sku("woocommerce", req.query.get("sku", ""))])

    def shopee_search(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopee_auth(req)
        items = [int(v.listing_id.split("/")[0]) for v in self.by_sku("shopee", req.query.get("item_sku", ""))]
        return Reply(200, {"error": "", "message": "", "request_id": "sbx",
                           "response": {"item_id_list": items, "total_count": len(items), "next_offset": ""}})

    def shopee_models(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopee_auth(req)
        item = req.query.get("item_id", "")
        models = [{"model_id": int(v.listing_id.split("/")[1]), "model_sku": v.sku,
                   "stock_info_v2": {"seller_stock": [{"stock": v.quantity or 0}]}}
                  for v in self.listings.values() if v.platform == "shopee" and v.listing_id.startswith(f"{item}/")]
        if not models:
            raise shopee_error("product.error_item_not_found", f"item_id {item} not found", 400)
        return Reply(200, {"error": "", "message": "", "request_id": "sbx", "response": {"model": models}})

    def lazada_item(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.lazada_auth(req)
        item = req.query.get("item_id")
        found = ([v for v in self.listings.values() if v.platform == "lazada" and v.listing_id.startswith(f"{item}/")]
                 if item else self.by_sku("lazada", req.query.get("seller_sku", "")))
        if not found:
            raise lazada_error("208", "The specified product does not exist")
        item, _ = found[0].listing_id.split("/")
        return Reply(200, {"code": "0", "request_id": "sbx", "data": {"item_id": int(item), "skus": [
            {"SkuId": int(v.listing_id.split("/")[1]), "SellerSku": v.sku, "quantity": v.quantity or 0}
            for v in found]}})

    def tiktok_search(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.tiktok_auth(req)
        wanted = _json(req).get("seller_skus") or []
        products = [{"id": v.listing_id.split("/")[0], "skus": [{"id": v.listing_id.split("/")[1],
                                                                "seller_sku": v.sku}]}
                    for sku in wanted for v in self.by_sku("tiktok", str(sku))]
        return Reply(200, {"code": 0, "message": "Success", "request_id": "sbx",
                           "data": {"products": products, "total_count": len(products), "next_page_token": ""}})

    # -- stock reads ---------------------------------------------------------------------------------
    def shopify_levels(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopify_auth(req)
        found = self.listings.get(("shopify", req.query.get("inventory_item_ids", "")))
        if found is None or req.query.get("location_ids") != str(SANDBOX_LOCATION_ID) or found.quantity is None:
            return Reply(200, {"inventory_levels": []})
        return Reply(200, {"inventory_levels": [{"inventory_item_id": int(found.listing_id),
                                                 "location_id": SANDBOX_LOCATION_ID, "available": found.quantity}]})

    def woocommerce_product(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.woocommerce_auth(req)
        found = self.listings.get(("woocommerce", req.path.rsplit("/", 1)[-1]))
        if found is None:
            return Reply(404, {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.",
                               "data": {"status": 404}})
        return Reply(200, {"id": int(found.listing_id), "sku": found.sku, "manage_stock": found.quantity is not None,
                           "stock_quantity": found.quantity})

    def tiktok_product(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.tiktok_auth(req)
        product = req.path.rsplit("/", 1)[-1]
        skus = [{"id": v.listing_id.split("/")[1], "seller_sku": v.sku,
                 "inventory": [{"warehouse_id": SANDBOX_WAREHOUSE_ID, "quantity": v.quantity or 0}]}
                for v in self.listings.values() if v.platform == "tiktok" and v.listing_id.startswith(f"{product}/")]
        if not skus:
            raise tiktok_error(12052700, f"product {product} not found", 404)
        return Reply(200, {"code": 0, "message": "Success", "request_id": "sbx", "data": {"id": product, "skus": skus}})

    # -- the stock calls -------------------------------------------------------------------------------
    def shopify(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopify_auth(req)
        body = _json(req)
        item, location = str(body.get("inventory_item_id") or ""), body.get("location_id")
        if location != SANDBOX_LOCATION_ID or ("shopify", item) not in self.listings:
            return Reply(404, {"errors": "Not Found"})
        problem = self.set("shopify", item, body.get("available"))
        if problem:
            return Reply(422, {"errors": {"available": [problem]}})
        return Reply(200, {"inventory_level": {"inventory_item_id": int(item), "location_id": location,
                                               "available": body["available"],
                                               "updated_at": self.api.market.clock.now().isoformat()}})

    def woocommerce(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.woocommerce_auth(req)
        body, ids = _json(req), [p for p in req.path.split("/") if p.isdigit()]
        listing_id = "/".join(ids)
        if ("woocommerce", listing_id) not in self.listings:
            return Reply(404, {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.",
                               "data": {"status": 404}})
        if body.get("manage_stock") is True and "stock_quantity" in body:  # otherwise WooCommerce ignores it
            problem = self.set("woocommerce", listing_id, body["stock_quantity"])
            if problem:
                return Reply(400, {"code": "rest_invalid_param", "message": f"Invalid parameter(s): stock_quantity "
                                   f"({problem})", "data": {"status": 400}})
        found = self.listings[("woocommerce", listing_id)]
        return Reply(200, {"id": int(ids[-1]), "sku": found.sku, "manage_stock": found.quantity is not None,
                           "stock_quantity": found.quantity,
                           "stock_status": "outofstock" if found.quantity == 0 else "instock"})

    def shopee(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.shopee_auth(req)
        body = _json(req)
        item = body.get("item_id")
        if not any(k[0] == "shopee" and k[1].startswith(f"{item}/") for k in self.listings):
            raise shopee_error("product.error_item_not_found", f"item_id {item} not found", 400)
        success, failure = [], []
        for entry in body.get("stock_list") or []:
            model = entry.get("model_id") if isinstance(entry, dict) else None
            stocks = (entry.get("seller_stock") or [{}]) if isinstance(entry, dict) else [{}]
            quantity = stocks[0].get("stock") if isinstance(stocks[0], dict) else None
            problem = self.set("shopee", f"{item}/{model}", quantity)
            if problem:
                failure.append({"model_id": model, "failed_reason": problem})
            else:
                success.append({"model_id": model, "location_id": "", "stock": quantity})
        if not success and not failure:
            raise shopee_error("error_param", "stock_list must hold 1 to 50 models.", 400)
        return Reply(200, {"error": "", "message": "", "request_id": "sbx",
                           "response": {"success_list": success, "failure_list": failure}})

    def lazada(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.lazada_auth(req)
        try:
            skus = ET.fromstring(req.query.get("payload") or "").findall("./Product/Skus/Sku")
        except ET.ParseError:
            raise lazada_error("InvalidParameter", "payload is not valid XML") from None
        if not skus:
            raise lazada_error("InvalidParameter", "payload names no Sku")
        for sku in skus:
            listing_id = f"{sku.findtext('ItemId', '').strip()}/{sku.findtext('SkuId', '').strip()}"
            text = sku.findtext("SellableQuantity", "").strip()
            problem = self.set("lazada", listing_id, int(text) if text.lstrip("-").isdigit() else text)
            if problem:
                raise lazada_error("InvalidSku", problem)
        return Reply(200, {"code": "0", "request_id": "sbx", "data": {}})

    def tiktok(self, req: Req, active: dict[str, Fault]) -> Reply:
        self.api.tiktok_auth(req)
        product, body = req.path.split("/")[-3], _json(req)
        for sku in body.get("skus") or []:
            stocks = [i for i in sku.get("inventory") or [] if i.get("warehouse_id") == SANDBOX_WAREHOUSE_ID]
            if not stocks:
                raise tiktok_error(17019001, "warehouse_id is not a warehouse of this shop", 400)
            problem = self.set("tiktok", f"{product}/{sku.get('id')}", stocks[0].get("quantity"))
            if problem:
                raise tiktok_error(12052048, problem, 400)
        return Reply(200, {"code": 0, "message": "Success", "request_id": "sbx", "data": {}})

