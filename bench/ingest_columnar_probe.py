"""A probe, not the product: how fast DuckDB reads Shopee's order fields column-wise from a page's JSON text.

    python -m bench.ingest_columnar_probe [N]

Why: normalizing stays per order in Python (about 35 field reads, 40–90 µs an order), so one process stays
under 20,000 orders/s however the rows are laid out. This reads the same fields the Shopee normalizer reads
(ids, status, money, five times, receiver, carrier, lines) with one `read_json` over the page's text, on one
thread, beside `json.loads` of the same text: the distance a column-wise normalizer could close. It does not
reproduce the normalizer's rules (blank and whitespace handling, exact decimal amounts, id digits, fallbacks),
which a real column-wise path would have to match field by field (tests/ingest/test_normalize_page.py).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.ingest_rate import payloads

COLUMNS = {
    "order_sn": "VARCHAR", "currency": "VARCHAR", "order_status": "VARCHAR", "total_amount": "DOUBLE",
    "actual_shipping_fee": "DOUBLE", "estimated_shipping_fee": "DOUBLE", "create_time": "BIGINT",
    "update_time": "BIGINT", "pay_time": "BIGINT", "pickup_done_time": "BIGINT", "ship_by_date": "BIGINT",
    "message_to_seller": "VARCHAR", "buyer_user_id": "VARCHAR", "shipping_carrier": "VARCHAR", "region": "VARCHAR",
    "recipient_address": "STRUCT(name VARCHAR, phone VARCHAR, city VARCHAR, state VARCHAR, region VARCHAR, "
                         "full_address VARCHAR)",
    "item_list": "STRUCT(item_name VARCHAR, item_sku VARCHAR, model_sku VARCHAR, model_quantity_purchased BIGINT, "
                 "model_original_price DOUBLE, model_discounted_price DOUBLE, promotion_type VARCHAR)[]",
    "package_list": "STRUCT(shipping_carrier VARCHAR, tracking_number VARCHAR)[]",
}
SQL = """
select sha256('shopee' || chr(31) || 'main' || chr(31) || order_sn) as id_digest, order_sn, upper(currency) as currency,
  order_status, round(total_amount * 100)::bigint as total_cents,
  round(coalesce(actual_shipping_fee, estimated_shipping_fee) * 100)::bigint as shipping_cents,
  to_timestamp(nullif(create_time, 0)) as placed_at, to_timestamp(nullif(update_time, 0)) as updated_at,
  to_timestamp(nullif(pay_time, 0)) as paid_at, to_timestamp(nullif(pickup_done_time, 0)) as shipped_at,
  to_timestamp(nullif(ship_by_date, 0)) as ship_by_at, nullif(trim(message_to_seller), '') as buyer_note,
  buyer_user_id, recipient_address.name as receiver_name, recipient_address.phone as receiver_phone,
  coalesce(recipient_address.region, region) as receiver_country, recipient_address.state as receiver_province,
  recipient_address.city as receiver_city, recipient_address.full_address as receiver_address,
  coalesce(nullif(shipping_carrier, ''), package_list[1].shipping_carrier) as carrier,
  package_list[1].tracking_number as tracking_no,
  list_transform(item_list, lambda i: {'sku': coalesce(nullif(i.model_sku, ''), i.item_sku), 'title': i.item_name,
    'qty': i.model_quantity_purchased,
    'cents': round(coalesce(i.model_discounted_price, i.model_original_price) * 100)::bigint}) as lines
from read_json($path, format = 'newline_delimited', columns = $columns)
"""


def main(n: int) -> dict:
    data = payloads("shopee", n)
    text = "\n".join(json.dumps(p, ensure_ascii=False) for p in data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.ndjson"
        path.write_text(text, encoding="utf-8")
        con = duckdb.connect(config={"threads": 1})
        best = 0.0
        for _ in range(3):
            t = time.perf_counter()
            rows = con.sql(SQL, params={"path": str(path), "columns": COLUMNS}).to_arrow_table().num_rows
            best = max(best, rows / (time.perf_counter() - t))
        con.close()
    pages = ["[" + ",".join(text.split("\n")[s:s + 100]) + "]" for s in range(0, n, 100)]
    t = time.perf_counter()
    for page in pages:
        json.loads(page)
    decoded = n / (time.perf_counter() - t)
    return {"orders": n, "duckdb_read_json_orders_per_s": best, "json_loads_orders_per_s": decoded}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)))
