"""Inventory: stock counts and movements, the listing → SKU map, reservations and available-to-sell.

Tables in models/schema.py (`inventory`, `stock_movements`, `sku_map`, `reservation_events`), views in
models/sql/inventory.sql (`listing_skus`, `stock_counts`, `reservation_state`, `inventory_available`,
`inventory_pool`). docs/inventory.md explains the figures and who writes what.
"""
