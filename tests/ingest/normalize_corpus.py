"""The normalizers' differential corpus: recorded fixtures plus generated payloads that are tricky on purpose.

    for name, payload in cases("shopee"): ...
    outcome("shopee", payload)   # canonical rows (or the BadRecord) as plain JSON-able data

Generated payloads cover every stage a platform can express, currencies with 0, 2 and 3 decimals,
unicode and blank names, missing optional parts, and seeded corruptions of single fields (nulls,
blanks, odd time formats, numbers for text, text for numbers). The same corpus feeds the page-wise path's
field-by-field comparison with the per-row path (test_normalize_page.py) and the digests of the outputs
the per-row path gave before the ingest speed-ups (tests/golden/normalize_digests.json):

    python -m tests.ingest.normalize_corpus --write    # only when a normalizer's output changes on purpose
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.normalize import registry
from ingest.normalize.base import BadRecord, NormalizedOrder
from sim.sandbox.payloads import STAGES, SimLine, SimOrder, make_order
from tests.ingest.conftest import FETCHED_AT, FIXTURES, load

PLATFORMS = sorted(registry.PLATFORMS)
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "normalize_digests.json"
T0 = datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC)
# (currency, total, line price): 2 decimals, none (VND, JPY), three (KWD), and a 3-decimal amount in SGD
MONEY = [("SGD", "25.80", "11.40"), ("VND", "250000", "120000"), ("JPY", "3200", "1600"), ("KWD", "12.345", "6.125"),
         ("SGD", "10.005", "5.005"), ("USD", "0.00", "0.00")]
NAMES = [("Tan Mei", "1 Raffles Pl"), ("陈小明", "浙江省杭州市西湖区文三路 90 号"),
         ("Nguyễn Văn Ánh", "12 Lê Lợi, Quận 1"),
         ("  Zoë O'Brien  ", "Flat 2\n3 High St 🎁"), (None, None), ("", "   ")]
# Values a corruption writes over one field: blanks, odd times, numbers for text and text for numbers.
ODD = [
    None, "", "   ", " padded ", 0, 1, -3, "0", "12.90", "1,299.00", "1e3", "12.3456", "-5", 12.5, 2**40, True, False,
    [], {}, [1], {"a": 1}, "2026-03-01T10:15:00-05:00", "2026-03-01T10:15:00Z", "2026-03-01T10:15:00.123456+05:45",
    "2014-10-15 18:36:05 +0800", "2017-03-22T16:28:02", "2017-03-22 16:28", "1700000000", "1413786247000",
    1700000000, 1413786247000, "s", "SGD", "kwd", "US", "陈", "READY_TO_SHIP", "paid", "fulfilled", "delivered",
]


def _sim(platform: str, n: int, stage: str) -> SimOrder:
    currency, total, price = MONEY[n % len(MONEY)]
    name, address = NAMES[n % len(NAMES)]
    created = T0 + timedelta(days=n % 40, seconds=37 * n)
    late = stage not in {"pending_payment", "to_review"}
    shipped = stage in {"shipped", "delivered", "completed", "returned"}
    return SimOrder(
        f"{7000 + n}" if n % 3 else f"A{n:05d}X", "shop-d", currency, total=total, created=created, stage=stage,
        shipping=("0.00", "3.50", "0")[n % 3], discount=("0.00", "1.25")[n % 2],
        paid=created + timedelta(minutes=7) if stage != "pending_payment" else None,
        shipped=created + timedelta(hours=20) if shipped else None,
        delivered=created + timedelta(days=3) if stage in {"delivered", "completed"} else None,
        cancelled=created + timedelta(hours=2) if stage in {"cancelled", "refunded"} else None,
        receiver_name=name, receiver_phone=("****5678", None)[n % 2], receiver_country=("SG", "VN", None)[n % 3],
        receiver_province=("Central", "浙江", None)[n % 3], receiver_city=("Singapore", None)[n % 2],
        receiver_address=address, buyer_note=("ring twice", None, "急 生日礼物")[n % 3],
        carrier="SF" if late and n % 2 else None, tracking_no=f"SF{n:08d}" if late and n % 2 else None,
        lines=[SimLine(f"SKU-{n % 7}", ("Tea", "茶叶 🍵")[n % 2], 1 + n % 3, price),
               *([SimLine("GIFT", "Spoon", 1, "0.00", is_gift=True)] if n % 4 == 0 else [])],
    )


def json_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key/index path inside a decoded JSON value."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += json_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            out += json_paths(value, (*prefix, n))
    return out


def _corrupt(payload: dict, rng: random.Random) -> dict:
    """A copy with one to three fields overwritten by an odd value or removed."""
    out = copy.deepcopy(payload)
    for _ in range(rng.randint(1, 3)):
        paths = json_paths(out)
        if not paths:
            break
        path = rng.choice(paths)
        node = out
        for key in path[:-1]:
            node = node[key]
        if rng.random() < 0.8:
            node[path[-1]] = copy.deepcopy(rng.choice(ODD))
        elif isinstance(node, dict):
            del node[path[-1]]
    return out


def _fixture_orders(platform: str) -> list[tuple[str, dict]]:
    out = []
    for path in sorted((FIXTURES / platform).glob("*.json")):
        try:
            orders = registry.orders_in_response(platform, load(platform, path.name))
        except ValueError:
            continue
        out += [(f"{path.stem}[{n}]", o) for n, o in enumerate(orders)]
    return out


def cases(platform: str, corruptions: int = 300) -> list[tuple[str, dict]]:
    """(name, payload) pairs: fixtures, generated orders per stage, and seeded corruptions of both."""
    plain = _fixture_orders(platform)
    plain += [(f"gen-{stage}-{n}", make_order(platform, _sim(platform, n, stage)))
              for n in range(12) for stage in STAGES[platform]]
    rng = random.Random(f"normalize-corpus-{platform}")
    bent = [(f"corrupt-{k}-{name}", _corrupt(payload, rng))
            for k, (name, payload) in enumerate(rng.choice(plain) for _ in range(corruptions))]
    return plain + bent


def plain(value: Any) -> Any:
    """Rows as JSON-able data that keeps types apart: datetimes with their offset, ints vs floats vs text."""
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return {type(value).__name__: repr(value)}


def outcome(platform: str, payload: Any, shop_id: str = "shop-d") -> dict:
    """What the per-row normalizer makes of a payload: its rows, or the error it refuses it with."""
    try:
        result = registry.normalize(platform, payload, shop_id=shop_id, fetched_at=FETCHED_AT, batch_id="b-diff")
    except BadRecord as exc:
        return {"refused": [exc.field, exc.reason, exc.platform_order_id]}
    except Exception as exc:  # a crash is an outcome too: the pipeline rejects such an order
        return {"crashed": f"{type(exc).__name__}: {exc}"}
    assert isinstance(result, NormalizedOrder)
    return plain({"order": result.order, "lines": result.lines, "events": result.events, "explain": result.explain,
                  "exceptions": result.exceptions, "unreadable": result.unreadable})


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def digests() -> dict[str, dict[str, str]]:
    return {p: {name: digest(outcome(p, payload)) for name, payload in cases(p)} for p in PLATFORMS}


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.ingest.normalize_corpus --write")
    GOLDEN.write_text(json.dumps(digests(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
