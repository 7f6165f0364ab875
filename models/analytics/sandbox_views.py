"""What the SQL box serves to one user: which views, masked for their role, filtered to their access.

    served_sql("lake", "viewer", Access(channels=("shopee",)))  # → {"orders": "select … from lake.main.orders …"}

The box's DuckDB holds the full lake views in a catalog the user cannot name (`lake`, refused by the
allow-list as any qualified name) and, in the default catalog, one view per served name built here:
- PII is masked in the view itself (`MASK_MACROS`, the SQL twins of `models.masking`), so no alias,
  expression or join can bring the original back; buyer identity and notes are hidden outright.
- A table served only to some permissions (`raw` needs view_pii, `actions` view_audit, `deliveries`
  manage_users) is absent for everyone else.
- A scoped user sees only rows tied to orders in their channels/shops/warehouses; a table that cannot be
  tied to them and carries order data (alerts, deliveries) is not served to a scoped user at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.access import Access
from models.auth import can

# The SQL twins of models/masking.py (tests/models/test_sandbox.py checks them equal on sample values).
MASK_MACROS = (
    "create macro mask_phone(p) as case when p is null then null when length(p) <= 7 "
    "then repeat('*', greatest(length(p) - 2, 1)) || right(p, 2) "
    "else left(p, 3) || repeat('*', length(p) - 7) || right(p, 4) end",
    "create macro mask_address(a) as case when a is null then null when length(a) > 6 "
    "then left(a, 6) || '****' else left(a, 2) || '****' end",
    "create macro mask_name(n) as case when n is null then null "
    "else left(n, 1) || repeat('*', greatest(length(n) - 1, 1)) end",
)
PII_REPLACE = {"orders": ("mask_phone(receiver_phone) as receiver_phone, mask_address(receiver_address) as "
                          "receiver_address, mask_name(receiver_name) as receiver_name, "
                          "null::varchar as buyer_id, null::varchar as buyer_note"),
               "order_facts": "null::varchar as buyer_id"}


@dataclass(frozen=True)
class Served:
    """One served view: its permission, and how its rows tie to an order or to the scope dimensions."""

    needs: str = "view"
    tie: str = "order_id"        # "order_id", "self" (has channel/shop_id/warehouse), "raw", "dims", "none"
    dims: tuple[str, ...] = ()   # for tie="dims": the dimensions the table carries (channel, shop_id, warehouse)
    order_data: bool = True      # False: stock levels and the like, served to a scoped user filtered on `dims`


SERVED: dict[str, Served] = {
    "orders": Served(tie="self"), "order_facts": Served(tie="self"), "exception_facts": Served(tie="self"),
    "order_stages": Served(), "order_lines": Served(), "order_events": Served(), "exceptions": Served(),
    "returns": Served(), "rule_hits": Served(),
    "actions": Served(needs="view_audit"),
    "raw": Served(needs="view_pii", tie="raw"),
    "channel_runs": Served(tie="dims", dims=("channel", "shop_id")),
    "inventory": Served(tie="dims", dims=("warehouse",), order_data=False),
    "stock_movements": Served(tie="dims", dims=("warehouse",), order_data=False),
    "inventory_available": Served(tie="dims", dims=("warehouse",), order_data=False),
    "inventory_pool": Served(tie="none"), "sku_map": Served(tie="none"),  # every warehouse's stock, every channel
    "reservation_events": Served(),
    "alerts": Served(tie="none"),                             # intake/backlog figures over all orders
    "deliveries": Served(needs="manage_users", tie="none"),   # e-mail recipients
    "fx_rates": Served(tie="config"), "accuracy_exception_types": Served(tie="config"),
}
COLUMN_OF = {"channels": "channel", "shops": "shop_id", "warehouses": "warehouse"}


def served_names(role: str | None, access: Access) -> frozenset[str]:
    """The view names this user may query in the box."""
    return frozenset(name for name, spec in SERVED.items() if _serves(spec, role, access))


def served_sql(lake: str, role: str | None, access: Access) -> dict[str, str]:
    """name → the SELECT defining that served view over the hidden `lake` catalog."""
    return {name: _select(lake, name, SERVED[name], role, access) for name in sorted(served_names(role, access))}


def _serves(spec: Served, role: str | None, access: Access) -> bool:
    if not (can(role, "query_sql") and can(role, spec.needs)):
        return False
    if access.unrestricted or spec.tie in {"order_id", "self", "raw", "config"}:
        return True
    if spec.tie == "dims":  # order data: served only when it carries every restricted dimension
        return not spec.order_data or all(COLUMN_OF[d] in spec.dims for d in _restricted(access))
    return False


def _select(lake: str, name: str, spec: Served, role: str | None, access: Access) -> str:
    source = f"{lake}.main.{name}"
    columns = "*"
    if name in PII_REPLACE and not can(role, "view_pii"):
        columns = f"* replace ({PII_REPLACE[name]})"
    where = "" if access.unrestricted else _scope_filter(lake, spec, access)
    return f"select {columns} from {source}{where}"


def _scope_filter(lake: str, spec: Served, access: Access) -> str:
    in_scope = f"select order_id from {lake}.main.orders where {predicate(access)}"
    if spec.tie == "self":
        return f" where {predicate(access)}"
    if spec.tie == "order_id":
        return f" where order_id in ({in_scope})"
    if spec.tie == "raw":
        return (f" where (channel, shop_id, platform_order_id) in (select (channel, shop_id, platform_order_id) "
                f"from {lake}.main.orders where {predicate(access)})")
    if spec.tie == "dims":
        return " where " + predicate(access, spec.dims)
    return ""


def predicate(access: Access, columns: tuple[str, ...] = ("channel", "shop_id", "warehouse")) -> str:
    """SQL: the row's channel/shop/warehouse is inside the access (a null value is outside a restriction)."""
    parts = [f"{COLUMN_OF[dim]} in ({', '.join(_literal(v) for v in getattr(access, dim))})"
             for dim in _restricted(access) if COLUMN_OF[dim] in columns]
    return " and ".join(parts) or "true"


def _restricted(access: Access) -> list[str]:
    return [dim for dim in COLUMN_OF if getattr(access, dim)]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
