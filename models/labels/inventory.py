"""Labels of the Inventory page, its alerts and exception types."""

LABELS: dict[str, tuple[str, str]] = {
    "exc.unmapped_listing": ("Listing not mapped to a SKU", "商品链接未映射到SKU"),
}
