"""The canonical model: one typed Arrow schema per lake table, with its natural key, in one place.

Conventions: money is integer minor units (`_cents`) beside an ISO currency; every `_at` is UTC;
booleans start with `is_`/`has_`. The writer refuses rows that do not fit these schemas.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")
STR = pa.string()
I64 = pa.int64()
I32 = pa.int32()
BOOL = pa.bool_()


@dataclass(frozen=True)
class Table:
    """A lake table: its schema, the natural key that dedupes it, and which row of a key is current."""

    name: str
    schema: pa.Schema
    key: tuple[str, ...]
    version_by: tuple[str, ...]  # the current row of a key is the one with the greatest of these
    partition_by: str  # a timestamp column; files land under month=YYYY-MM of it (UTC)
    # Columns whose current value is the latest non-null one across versions: set by us (routing, tracking),
    # unknown to the platform, so a later platform version must not erase them.
    sticky: tuple[str, ...] = ()
    # Flags that stay raised once any version raised them (a rule marked the order urgent or VIP).
    sticky_flags: tuple[str, ...] = ()
    # Columns added after files were written: older files lack them, and they read as null there.
    added: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return self.schema.names


def _table(name: str, key: tuple[str, ...], version_by: tuple[str, ...], partition_by: str,
           cols: list[tuple[str, pa.DataType]], **stickiness: tuple[str, ...]) -> Table:
    return Table(name, pa.schema(cols), key, version_by, partition_by, **stickiness)


ORDERS = _table("orders", ("order_id",), ("updated_at", "ingested_at"), "placed_at", [
    ("order_id", STR), ("channel", STR), ("shop_id", STR), ("platform_order_id", STR),
    ("status", STR), ("raw_status", STR),
    ("currency", STR), ("total_cents", I64), ("shipping_cents", I64), ("discount_cents", I64),
    ("buyer_id", STR), ("buyer_note", STR),
    ("receiver_name", STR), ("receiver_phone", STR), ("receiver_country", STR), ("receiver_province", STR),
    ("receiver_city", STR), ("receiver_address", STR),
    ("is_urgent", BOOL), ("is_vip", BOOL), ("is_presale", BOOL), ("is_cold_chain", BOOL), ("has_gift", BOOL),
    ("warehouse", STR), ("carrier", STR), ("tracking_no", STR),
    ("placed_at", TS), ("paid_at", TS), ("ship_by_at", TS), ("updated_at", TS), ("ingested_at", TS),
    ("batch_id", STR),
    ("promised_delivery_at", TS),  # the platform's delivery promise to the buyer (not the ship-by deadline)
], sticky=("warehouse", "carrier", "tracking_no"),
   sticky_flags=("is_urgent", "is_vip", "is_presale", "is_cold_chain", "has_gift"),
   added=("promised_delivery_at",))

ORDER_LINES = _table("order_lines", ("order_id", "line_no"), ("updated_at", "ingested_at"), "placed_at", [
    ("order_id", STR), ("line_no", I32), ("sku", STR), ("title", STR), ("category", STR), ("qty", I32),
    ("unit_price_cents", I64), ("currency", STR), ("is_gift", BOOL),
    ("placed_at", TS), ("updated_at", TS), ("ingested_at", TS), ("batch_id", STR),
])

# occurred_at is event time (when the step happened, what durations use); received_at is when OrderHub got
# it. source_event_id is the source's own id (with source, the dedupe key of external events); ref_kind/ref
# is what the source named the order by (order_id | platform_order_id | tracking_no). The last four are
# null on rows written before warehouse and carrier intake existed.
ORDER_EVENTS = _table("order_events", ("event_id",), ("ingested_at",), "occurred_at", [
    ("event_id", STR), ("order_id", STR), ("event", STR), ("source", STR), ("actor", STR), ("occurred_at", TS),
    ("detail", STR), ("ingested_at", TS), ("batch_id", STR),
    ("source_event_id", STR), ("received_at", TS), ("ref_kind", STR), ("ref", STR),
], added=("source_event_id", "received_at", "ref_kind", "ref"))

# Warehouse and carrier events that matched no order yet: kept (never dropped), re-resolved on every run,
# raised as `unmatched_event` after a while. One row version per change of state (pending → matched/raised).
EVENT_INBOX = _table("event_inbox", ("event_id",), ("updated_at",), "received_at", [
    ("event_id", STR), ("source", STR), ("source_event_id", STR), ("event", STR), ("occurred_at", TS),
    ("received_at", TS), ("ref_kind", STR), ("ref", STR), ("channel", STR), ("actor", STR), ("detail", STR),
    ("carrier", STR), ("tracking_no", STR), ("state", STR), ("order_id", STR), ("attempts", I32),
    ("updated_at", TS),
])

# Shipments confirmed back to their sales platform (ingest/writeback): one row version per attempt's outcome,
# keyed by order, so an order is confirmed on its platform at most once (state confirmed | refused |
# retrying | failed; `request` is what was sent, without credentials).
WRITEBACKS = _table("writebacks", ("order_id",), ("updated_at",), "shipped_at", [
    ("order_id", STR), ("channel", STR), ("shop_id", STR), ("platform_order_id", STR), ("tracking_no", STR),
    ("carrier", STR), ("shipped_at", TS), ("state", STR), ("attempts", I32), ("request", STR), ("error", STR),
    ("updated_at", TS),
])

EXCEPTIONS = _table("exceptions", ("exception_id",), ("updated_at", "ingested_at"), "detected_at", [
    ("exception_id", STR), ("order_id", STR), ("type", STR), ("severity", STR), ("rule_id", STR),
    ("status", STR), ("assignee", STR), ("detected_at", TS), ("due_at", TS), ("resolved_at", TS),
    ("resolution_code", STR), ("note", STR), ("source", STR), ("updated_at", TS), ("ingested_at", TS),
    ("batch_id", STR),
    # why: the values that made the rule fire for this order ("status=to_ship, idle_hours=3.25"), or why it closed
    ("why", STR),
], added=("why",))

ACTIONS = _table("actions", ("action_id",), ("occurred_at",), "occurred_at", [
    ("action_id", STR), ("occurred_at", TS), ("user", STR), ("role", STR), ("action", STR), ("target_type", STR),
    ("target_id", STR), ("order_id", STR), ("before", STR), ("after", STR), ("reason", STR),
])

CHANNEL_RUNS = _table("channel_runs", ("run_id",), ("finished_at",), "started_at", [
    ("run_id", STR), ("channel", STR), ("shop_id", STR), ("started_at", TS), ("finished_at", TS),
    ("window_from", TS), ("window_to", TS), ("pages", I32), ("fetched", I32), ("new", I32), ("updated", I32),
    ("rejected", I32), ("quarantined", I32), ("http_errors", I32), ("outcome", STR), ("error", STR),
    ("watermark", TS),
])

# Stock counts (docs/inventory.md): one row per SKU × warehouse × count, from the warehouse feed, an upload or
# the demo. `reserved` is legacy (the demo's old estimate) and read by nobody: reservations are the
# `reservation_events` below. A later count of the same key (a corrected upload) is a new version.
INVENTORY = _table("inventory", ("sku", "warehouse", "snapshot_at"), ("ingested_at",), "snapshot_at", [
    ("snapshot_at", TS), ("sku", STR), ("warehouse", STR), ("on_hand", I32), ("reserved", I32),
    ("safety_stock", I32), ("source", STR), ("ingested_at", TS), ("batch_id", STR),
], added=("source", "ingested_at", "batch_id"))

# Stock movements since a count: signed qty per SKU × warehouse (receipt +, transfer_out −, adjustment ±).
# Order shipments are NOT movements: a shipped order's released reservation takes its units off on hand,
# so a feed's own `shipment` rows are kept for the record and left out of on hand (inventory.sql).
STOCK_MOVEMENTS = _table("stock_movements", ("movement_id",), ("ingested_at",), "occurred_at", [
    ("movement_id", STR), ("sku", STR), ("warehouse", STR), ("kind", STR), ("qty", I32), ("occurred_at", TS),
    ("source", STR), ("ref", STR), ("note", STR), ("ingested_at", TS), ("batch_id", STR),
])

# A channel's listing → internal SKU (a bundle is several rows). `listing_id` is what the normalizers put
# in order_lines.sku: the platform's seller SKU of the variant. An edit is a new version of the key
# (channel, listing_id, sku); qty 0 removes that component. `listing_skus` (inventory.sql) is the live map.
SKU_MAP = _table("sku_map", ("channel", "listing_id", "sku"), ("updated_at",), "updated_at", [
    ("channel", STR), ("listing_id", STR), ("sku", STR), ("qty", I32), ("updated_at", TS), ("updated_by", STR),
    ("note", STR),
])

# Reservations as events (models/inventory/reserve.py): kind reserved | picked | released (reason shipped,
# cancelled, expired). The state of (order, sku, warehouse) is its latest event (`reservation_state`).
RESERVATION_EVENTS = _table("reservation_events", ("event_id",), ("recorded_at",), "occurred_at", [
    ("event_id", STR), ("order_id", STR), ("channel", STR), ("sku", STR), ("warehouse", STR), ("qty", I32),
    ("kind", STR), ("reason", STR), ("occurred_at", TS), ("recorded_at", TS), ("pass_id", STR),
])

RETURNS = _table("returns", ("return_id", "line_no"), ("requested_at",), "requested_at", [
    ("return_id", STR), ("line_no", I32), ("order_id", STR), ("sku", STR), ("category", STR),
    ("reason_code", STR), ("qty", I32), ("requested_at", TS),
])

RAW = _table("raw", ("channel", "sha256"), ("fetched_at",), "fetched_at", [
    ("channel", STR), ("shop_id", STR), ("platform_order_id", STR), ("fetched_at", TS), ("sha256", STR),
    ("batch_id", STR), ("kind", STR), ("payload", STR),
])

# Why an order was routed or flagged: one row per rule that fired in one evaluation (models/rules).
RULE_HITS = _table("rule_hits", ("hit_id",), ("evaluated_at",), "evaluated_at", [
    ("hit_id", STR), ("evaluation_id", STR), ("order_id", STR), ("kind", STR), ("rule_id", STR),
    ("outcome", STR), ("chosen", BOOL), ("detail", STR), ("evaluated_at", TS), ("rules_version", STR),
])

# Alerts raised by reports.alerts: one row version when a condition starts, another when it clears.
ALERTS = _table("alerts", ("alert_id",), ("updated_at",), "raised_at", [
    ("alert_id", STR), ("condition_key", STR), ("kind", STR), ("title", STR), ("detail", STR),
    ("raised_at", TS), ("cleared_at", TS), ("updated_at", TS),
])

# Every delivery attempt of the weekly snapshot and of alerts, per recipient or webhook, with its outcome.
DELIVERIES = _table("deliveries", ("delivery_id",), ("occurred_at",), "occurred_at", [
    ("delivery_id", STR), ("kind", STR), ("ref", STR), ("channel", STR), ("target", STR), ("outcome", STR),
    ("attempts", I32), ("error", STR), ("occurred_at", TS),
])

# One line of a platform's settlement / payout / income report (ingest/settlements): what the platform paid
# (or took) for an order. `line_type` is sale | refund | fee | commission | shipping_subsidy | adjustment;
# `amount_cents` is signed as the platform books it (a fee or refund is negative). The id comes from the
# channel, shop and the report's own line id (or the line's content), so a re-import stores nothing new.
SETTLEMENTS = _table("settlements", ("settlement_id",), ("ingested_at",), "settled_at", [
    ("settlement_id", STR), ("channel", STR), ("shop_id", STR), ("platform_order_id", STR), ("order_id", STR),
    ("line_type", STR), ("amount_cents", I64), ("currency", STR), ("settled_at", TS), ("payout_id", STR),
    ("report", STR), ("source_line_id", STR), ("ingested_at", TS), ("batch_id", STR),
])

# A closed reconciliation month (models/reconciliation/close.py): the month's figures frozen per channel,
# shop and currency, one row per measure (expected, settled, each finding type), signed off by an admin.
# Closing again adds a later version; the frozen rows are never edited.
RECON_CLOSES = _table("recon_closes", ("month", "channel", "shop_id", "currency", "measure"), ("closed_at",),
                      "closed_at", [
    ("month", STR), ("channel", STR), ("shop_id", STR), ("currency", STR), ("measure", STR), ("orders", I64),
    ("amount_cents", I64), ("note", STR), ("closed_by", STR), ("closed_at", TS),
])

TABLES: dict[str, Table] = {t.name: t for t in (
    ORDERS, ORDER_LINES, ORDER_EVENTS, EXCEPTIONS, ACTIONS, CHANNEL_RUNS, INVENTORY, RETURNS, RAW, RULE_HITS,
    ALERTS, DELIVERIES, EVENT_INBOX, WRITEBACKS, STOCK_MOVEMENTS, SKU_MAP, RESERVATION_EVENTS, SETTLEMENTS,
    RECON_CLOSES,
)}
SETTLEMENT_LINE_TYPES = ("sale", "refund", "fee", "commission", "shipping_subsidy", "adjustment")

EXCEPTION_STATUSES = ("open", "in_progress", "resolved", "dismissed")
OPEN_EXCEPTION_STATUSES = ("open", "in_progress")
RETURN_REASONS = (
    "not_as_described", "missing_part", "damaged_in_transit", "wrong_item", "colour_difference", "size_too_small",
    "size_too_large", "changed_mind", "quality_issue", "late_delivery", "better_price", "defective",
)

# Stock quantities pushed to the sales platforms (ingest/stockpush): one row per attempt. outcome: pushed |
# checked (the platform already had the right count: nothing sent) | refused (the platform said no; sent
# again only for another quantity) | failed (retries ran out: tried again next run). `target` is the
# listing's share, `quantity` what the platform was set to (the share less sales the hub had not seen
# yet), `known_units` the listing's units on the channel's reserved orders then (docs/stock-push.md).
STOCK_PUSHES = _table("stock_pushes", ("push_id",), ("pushed_at",), "pushed_at", [
    ("push_id", STR), ("channel", STR), ("shop_id", STR), ("listing_id", STR), ("skus", STR), ("target", I32),
    ("quantity", I32), ("known_units", I64), ("outcome", STR), ("request", STR), ("error", STR), ("pushed_at", TS),
])
TABLES[STOCK_PUSHES.name] = STOCK_PUSHES
