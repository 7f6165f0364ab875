"""The lookup key index: a file beside each month of the order_facts mart, so that "where is my order?" does
not read every order's ids.

Why: a partial id or a phone cannot use the mart's sort (by placed_at), so the plain search decodes every
id column of every order (1.1-1.7 s at 1 M orders, ten times that at 10 M). Here each order is one row per
key (its id, platform id, tracking number and every receiver phone any version of it had), the key
lower-cased, the file sorted by field, then key: an exact id or a prefix reads only the row groups whose key
range can hold it (min/max statistics), a phone search only the phones' row groups, and "contains" reads the
joined keys of blocks (below) before any key. Each row carries what the result list shows and what access
filters on, so no second read of the mart is needed.

    file_sql(rows_sql("fresh", "lake_orders"), "2026-03")   # a month's key file (facts_mart writes it)

The mart writes a part's key file whenever it writes that part's facts (full build and refresh alike), so
the index is never older than the facts; a month's view reads the key files of its parts (a month, or the
newest month's days). The queries are in models/sql/lookup/lookup.sql (`*_indexed`);
models/lookup.py uses them when the connection has the `lookup_keys` view (a console connection,
materialize=True) and the plain scans otherwise; both give the same rows in the same order
(tests/models/test_lookup_index.py).
"""

from __future__ import annotations

# Small row groups: a prefix reads a few thousand keys, not a month's worth. LZ4, not zstd: "contains" decodes
# every key, and at 1 M orders zstd's decoding took half the scan (0.16 s against 0.09 s; the file is twice
# as large, 147 MiB against 68 MiB).
PARQUET = "compression lz4, row_group_size 16384"
CARRIED = "order_id, platform_order_id, tracking_no, channel, status, placed_at, shop_id, warehouse"
ROW_COLUMNS = f"key, field, {CARRIED}"
# Keys come in blocks of BLOCK (in file order); a block's first row also holds all its keys as one text (`blob`).
# "contains" first finds the blocks whose text holds the search (one long string searched per block, not
# BLOCK short ones: at 1 M orders 0.04-0.10 s instead of 0.12-0.19 s), then reads only their keys, pruning
# row groups by the block number; when too many blocks hold it (MAX_BLOCKS), it reads every key instead.
BLOCK = 256
MAX_BLOCKS = 200
FIELDS = ("order_id", "platform_order_id", "tracking_no")


VIEW_PREFIX = "lookup_keys_month_"


def month_view(month: str) -> str:
    """The view of one month's keys ('2026-03' → lookup_keys_month_2026_03; orders without a placing: _none)."""
    return VIEW_PREFIX + month.replace("-", "_")


def newest_first(views: list[str]) -> list[str]:
    """Month views from the newest month to the oldest, the month of orders without a placing last (as
    `placed_at desc` puts nulls last)."""
    dated = sorted((v for v in views if not v.endswith("_none")), reverse=True)
    return dated + [v for v in views if v.endswith("_none")]


def file_sql(rows: str, part: str) -> str:
    """The rows of a mart part's key file from its key rows: sorted, numbered into blocks unique across parts
    ('2026-03' → 202603 × 10⁷ + the block's place in the part; a day '2026-03-14' → 20260314 × 10⁷ + …, a
    range no month's reaches), each block's keys joined on its first row."""
    base = int(part.replace("-", "")) * 10_000_000 if part[:4].isdigit() else 0
    return (f"select {ROW_COLUMNS}, case when n % {BLOCK} = 0 then string_agg(key, chr(10)) over "
            f"(partition by n // {BLOCK}) end as blob, {base} + n // {BLOCK} as block from "
            f"(select *, row_number() over (order by field, key) - 1 as n from ({rows})) order by n")


def rows_sql(facts: str, orders: str) -> str:
    """The key rows of the orders in `facts` (order_facts rows): one per id field, one per distinct receiver
    phone of any version of the order in `orders` (lake_orders rows)."""
    ids = " union all ".join(
        f"select lower({f}) as key, '{f}' as field, {CARRIED} from {facts} where {f} is not null" for f in FIELDS)
    phones = (f"select lower(p.receiver_phone) as key, 'receiver_phone' as field, "
              f"{', '.join('f.' + c for c in CARRIED.split(', '))} from {facts} f join "
              f"(select distinct order_id, receiver_phone from {orders} where receiver_phone is not null) p "
              "using (order_id)")
    return f"{ids} union all {phones}"
