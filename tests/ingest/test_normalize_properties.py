"""Properties: no payload crashes a normalizer with anything but BadRecord; valid orders round-trip."""

from __future__ import annotations

import copy
import csv
import io
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.files.importer import import_file
from ingest.files.profile import load_profile
from ingest.files.tables import ImportFileError, read_table
from ingest.normalize import registry
from ingest.normalize.base import BadRecord, NormalizedOrder
from sim.sandbox.payloads import STAGES, SimLine, SimOrder, make_order
from tests.ingest.conftest import FETCHED_AT, FIXTURES, load
from tests.ingest.normalize_corpus import json_paths as _paths

PLATFORMS = sorted(registry.PLATFORMS)


def _sample(platform: str) -> dict:
    """The order of the platform's one-order recorded response (the first fixture, by name, holding
    exactly one order that normalizes): a realistic payload to corrupt."""
    for path in sorted((FIXTURES / platform).glob("*.json")):
        orders = registry.orders_in_response(platform, load(platform, path.name))
        if len(orders) == 1:
            registry.normalize(platform, orders[0], shop_id="s", fetched_at=FETCHED_AT, batch_id="b")
            return orders[0]
    raise AssertionError(f"tests/fixtures/{platform}/ holds no one-order response")


SAMPLES = {platform: _sample(platform) for platform in PLATFORMS}
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "0",
            "12.90",
            "1,299.00",
            "2026-03-01T10:15:00-05:00",
            "2014-10-15 18:36:05 +0800",
            "2017-03-22T16:28:02",
            "1700000000",
            "****",
            "SGD",
            "paid",
            "READY_TO_SHIP",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _normalize_or_reject(platform: str, payload: object) -> NormalizedOrder | BadRecord:
    try:
        return registry.normalize(platform, payload, shop_id="s", fetched_at=FETCHED_AT, batch_id="b")  # type: ignore[arg-type]
    except BadRecord as exc:
        assert exc.field and exc.reason and exc.platform == platform
        return exc


@settings(max_examples=150, deadline=None)
@given(platform=st.sampled_from(PLATFORMS), payload=json_values)
def test_arbitrary_json_never_crashes(platform: str, payload: object):
    _normalize_or_reject(platform, payload)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(platform=st.sampled_from(PLATFORMS), data=st.data())
def test_a_corrupted_field_is_normalized_or_rejected_with_a_reason(platform: str, data: st.DataObject):
    payload = copy.deepcopy(SAMPLES[platform])
    path = data.draw(st.sampled_from(_paths(payload)))
    node = payload
    for key in path[:-1]:
        node = node[key]
    if data.draw(st.booleans()):
        node[path[-1]] = data.draw(json_values)
    else:
        del node[path[-1]]
    result = _normalize_or_reject(platform, payload)
    if isinstance(result, NormalizedOrder):
        assert result.order["placed_at"].tzinfo is not None and result.order["order_id"].startswith("OH-")


base_time = datetime(2020, 1, 1, tzinfo=UTC)
moments = st.integers(min_value=0, max_value=10 * 365 * 86400).map(lambda s: base_time + timedelta(seconds=s))
cents = st.integers(min_value=0, max_value=10**9)


@settings(max_examples=150, deadline=None)
@given(
    platform=st.sampled_from(PLATFORMS),
    data=st.data(),
    created=moments,
    total=cents,
    shipping=cents,
    order_no=st.from_regex(r"[0-9A-Z]{6,18}", fullmatch=True),
)
def test_valid_simulated_orders_round_trip(platform, data, created, total, shipping, order_no):
    stage = data.draw(st.sampled_from(STAGES[platform]))
    as_text = lambda c: str(Decimal(c) / 100)  # noqa: E731
    paid = None if stage == "pending_payment" else created + timedelta(minutes=5)
    sim = SimOrder(
        order_no,
        "s",
        "SGD",
        total=as_text(total),
        shipping=as_text(shipping),
        created=created,
        stage=stage,
        paid=paid,
        cancelled=created + timedelta(hours=1) if stage == "cancelled" else None,
        lines=[SimLine("SKU", "Thing", 1, as_text(total))],
    )
    result = registry.normalize(
        platform, make_order(platform, sim), shop_id="s", fetched_at=FETCHED_AT, batch_id="b"
    )
    o = result.order
    assert (o["platform_order_id"], o["status"], o["total_cents"], o["shipping_cents"]) == (
        order_no,
        stage,
        total,
        shipping,
    )
    assert o["placed_at"] == created


def test_every_fixture_order_fits_the_lake_schemas():
    from models import lake
    from models.schema import EXCEPTIONS, ORDER_EVENTS, ORDER_LINES, ORDERS
    from tests.ingest.conftest import normalize_all

    files = {
        "shopify": "orders.json",
        "woocommerce": "orders.json",
        "shopee": "order_detail.json",
        "lazada": "orders_with_items.json",
        "tiktok": "orders_search.json",
    }
    for platform, name in files.items():
        for result in normalize_all(platform, name).values():
            assert set(result.order) == set(ORDERS.columns)
            lake.conform(ORDERS, [result.order])
            lake.conform(ORDER_LINES, result.lines)
            lake.conform(ORDER_EVENTS, result.events)
            if result.exceptions:
                lake.conform(EXCEPTIONS, result.exceptions)


PROFILES_DIR = Path(__file__).resolve().parents[2] / "docs" / "profiles"
# Every shipped import profile with a real-shaped sample export (its header row).
PROFILES = {"taobao": ("taobao-orders.toml", "taobao_orders.csv"),
            "shopify": ("shopify-orders.toml", "shopify_orders_export.csv")}
cell = st.one_of(
    st.sampled_from(
        [
            "",
            "abc",
            "12.90",
            "¥1,299.00",
            "-3",
            "2026-03-01 10:15:30",
            "2026-03-01 10:15:30 -0500",
            "2026/13/45 99:00",
            "交易成功",
            "买家已付款，等待卖家发货",
            "奇怪状态",
            "paid",
            "fulfilled",
            "USD",
            "#1001",
            '="3912345678901234567"',
            "3912345678901234568",
            "1",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8),
)


@pytest.mark.parametrize("name", sorted(PROFILES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_file_row_is_imported_or_rejected_with_a_reason(name: str, data: st.DataObject):
    profile_file, sample_file = PROFILES[name]
    profile = load_profile(PROFILES_DIR / profile_file)
    sample = (FIXTURES / "files" / sample_file).read_text("utf-8-sig")
    header = next(csv.reader(io.StringIO(sample)))
    rows = data.draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), min_size=1, max_size=6))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([header, *rows])
        if not any(c.strip() for row in rows for c in row):  # blank rows only: the file is refused whole
            with pytest.raises(ImportFileError, match="no data rows"):
                read_table(path, profile)
            return
        data_rows = {n for n, _ in read_table(path, profile)}
        result = import_file(path, profile, Path(tmp) / "lake", now=FETCHED_AT, stream=io.StringIO())
        rejected: set[int] = set()
        if result.reject_file:
            with open(result.reject_file, encoding="utf-8-sig", newline="") as fh:
                for reject in csv.DictReader(fh):
                    assert reject["reason"] and reject["field"]
                    rejected.add(int(reject["row"]))
        assert rejected <= data_rows
        assert result.rows == len(data_rows)
        assert result.written["raw"] == len(data_rows)  # every row archived, imported or not
        assert (result.orders > 0) == (rejected != data_rows)  # kept rows form orders
