"""Property: any valid Taobao export row imports to the canonical row it describes, whatever its values,
and importing the same file again changes nothing (the issue: "a valid order always round-trips to the
same canonical row"; tests/ingest/test_normalize_properties.py covers arbitrary and malformed cells).

Expected values come from the generated cells by hand: yuan × 100 in cents, Shanghai wall time − 8 h.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.files.importer import import_file
from ingest.files.profile import load_profile
from models.db import connect
from models.settings import Settings
from tests.faults.test_kill_compact_import import TAOBAO_CSV, TAOBAO_PROFILE

HEADER = next(csv.reader(io.StringIO(TAOBAO_CSV.read_text("utf-8-sig"))))
NOW = datetime(2026, 6, 1, tzinfo=UTC)

order = st.fixed_dictionaries({
    "number": st.integers(10**17, 10**19 - 1).map(str),
    "paid_cents": st.integers(0, 10**8),
    "shipping_cents": st.integers(0, 10**5),
    "placed": st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    "qty": st.integers(1, 999),
    "sku": st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=12),
    "note": st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
})


def export_row(o: dict) -> list[str]:
    cells = dict.fromkeys(HEADER, "")
    cells.update({
        "订单编号": f'="{o["number"]}"', "买家会员名": "tb_prop",
        "买家应付邮费": f"{Decimal(o['shipping_cents']) / 100:.2f}",
        "买家实际支付金额": f"{Decimal(o['paid_cents']) / 100:.2f}", "订单状态": "买家已付款，等待卖家发货",
        "买家留言": o["note"], "收货人姓名": "张三", "收货地址": "浙江省 杭州市 西湖区 文三路100号",
        "联系手机": "13800001234", "订单创建时间": o["placed"].strftime("%Y-%m-%d %H:%M:%S"),
        "订单付款时间": o["placed"].strftime("%Y-%m-%d %H:%M:%S"), "宝贝标题": "茶", "宝贝总数量": str(o["qty"]),
        "商家编码": o["sku"],
    })
    return [cells[h] for h in HEADER]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders=st.lists(order, min_size=1, max_size=4, unique_by=lambda o: o["number"]))
def test_valid_export_rows_round_trip_to_their_canonical_rows(orders: list[dict]):
    profile = load_profile(TAOBAO_PROFILE)
    with tempfile.TemporaryDirectory() as tmp:
        path, data_dir = Path(tmp) / "orders.csv", Path(tmp) / "data"
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([HEADER, *map(export_row, orders)])
        lake_dir = Settings(data_dir=data_dir).lake_dir
        first = import_file(path, profile, lake_dir, now=NOW, stream=io.StringIO())
        assert first.reject_file is None and first.orders == len(orders)
        import_file(path, profile, lake_dir, now=NOW + timedelta(hours=1), stream=io.StringIO())  # again
        db = connect(Settings(data_dir=data_dir))
        try:
            got = {r[0]: r[1:] for r in db.sql(
                "select o.platform_order_id, o.status, o.total_cents, o.currency, o.placed_at, l.sku, l.qty, "
                "o.receiver_province from orders o join order_lines l using (order_id)").fetchall()}
            versions = db.sql("select count(distinct order_id), count(*) from "
                              "(select distinct * exclude (ingested_at) from lake_orders)").fetchone()
        finally:
            db.close()
    expected = {o["number"]: ("to_ship", o["paid_cents"], "CNY",
                              o["placed"].replace(tzinfo=UTC) - timedelta(hours=8), o["sku"], o["qty"], "浙江")
                for o in orders}
    assert got == expected
    assert versions == (len(orders), len(orders)), "the second import wrote different row versions"
