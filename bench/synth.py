"""Synthetic lakes of millions of orders, vectorised with numpy and written in chunks through models.lake.

    python -m bench.synth --orders 1000000 --out bench/lakes/1m [--batches 200]

Every row goes through `lake.write`, exactly as ingest writes it.
Orders are placed over `days` days ending on END; a chunk is a run of consecutive orders, so each chunk
lands in one or two month partitions and memory stays bounded by the chunk size.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from models import lake

# What the generated lakes hold; bench keeps a generated lake only while it matches (2: buyer ids; 3: the
# platforms' settlement lines, so reconciliation joins real payouts).
VERSION = 3
END = datetime(2026, 11, 30, 16, tzinfo=UTC)  # midnight 2026-12-01 in Asia/Shanghai: "now" of every lake
CHANNELS = np.array(["tmall", "jd", "douyin", "shopee", "lazada", "tiktok", "shopify"])
CHANNEL_P = np.array([0.25, 0.2, 0.2, 0.15, 0.08, 0.07, 0.05])
CURRENCY = np.array(["CNY", "CNY", "CNY", "SGD", "MYR", "THB", "USD"])
WAREHOUSES = np.array(["Hangzhou", "Suzhou", "Hefei", "Chengdu"])
CARRIERS = np.array(["SF", "YTO", "ZTO", "JD"])
EXC_TYPES = np.array(["late_shipment", "address_invalid", "wrong_item", "missing_item", "payment_failed"])
HOUR_US = 3_600_000_000
REPEAT_BUYERS = 1 << 18
# Lifecycle after payment: (event, probability it happens given the previous step did, mean hours after it).
STEPS = (("reviewed", 0.35, 0.3), ("allocated", 0.94, 1.0), ("picked", 1.0, 2.0), ("packed", 1.0, 1.0),
         ("shipped", 1.0, 3.0), ("delivered", 0.96, 48.0), ("completed", 0.1, 120.0))


def _us(ts: datetime) -> int:
    return int(ts.timestamp() * 1_000_000)


def _ts(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, type=pa.timestamp("us", tz="UTC"), mask=None if valid is None else ~valid)


def oid_numbers(idx: np.ndarray) -> np.ndarray:
    """The number in order `idx`'s id (OH-<number>): spread out, so ids do not sort in placing order."""
    return idx * 7919 + 1_000_000_000_000


def buyers(idx: np.ndarray) -> pa.Array:
    """Each order's buyer, from its index (no random draw, so no other column changes): 60 % buy once
    ('B<index>'); 40 % come from a pool of REPEAT_BUYERS regulars, skewed so a few buy very often ('R<n>'),
    as resellers and serial returners do."""
    h = (idx.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(32)
    regular = (h % np.uint64(100)) < np.uint64(40)
    u = ((h >> np.uint64(8)) % np.uint64(1 << 20)).astype(np.float64) / (1 << 20)
    return pa.array(np.where(regular, np.char.add("R", (REPEAT_BUYERS * u * u).astype(np.int64).astype(str)),
                             np.char.add("B", idx.astype(str))))


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def lifecycle(rng: np.random.Generator, placed: np.ndarray, now_us: int) -> dict[str, np.ndarray]:
    """First time of each lifecycle event per order (-1 = never), truncated at `now`."""
    n = len(placed)
    times = {"placed": placed}
    paid_ok = rng.random(n) < 0.97
    times["paid"] = np.where(paid_ok, placed + (rng.exponential(0.2, n) * HOUR_US).astype(np.int64), -1)
    times["cancelled"] = np.where(~paid_ok & (rng.random(n) < 0.6), placed + HOUR_US // 2, -1)
    prev = times["paid"]
    for event, p, mean_h in STEPS:
        ok = (prev >= 0) & (rng.random(n) < min(p, 1.0))
        at = prev + (rng.exponential(mean_h, n) * HOUR_US).astype(np.int64) + 1_000_000
        times[event] = np.where(ok, at, -1)
        # Review is skipped by most orders: allocation then follows payment.
        prev = times[event] if event != "reviewed" else np.where(ok, times[event], times["paid"])
    times["returned"] = np.where((times["delivered"] >= 0) & (rng.random(n) < 0.02),
                                 times["delivered"] + 72 * HOUR_US, -1)
    # Whole seconds, as platforms report them (the KPI durations are whole-second differences).
    return {k: np.where(v <= now_us, v - v % 1_000_000, -1) for k, v in times.items()}


ORDER_OF_EVENTS = ("placed", "paid", "reviewed", "allocated", "picked", "packed", "shipped", "delivered",
                   "completed", "cancelled", "returned")
STATUS_OF = {"placed": "pending_payment", "paid": "to_review", "reviewed": "to_ship", "allocated": "allocated",
             "picked": "picked", "packed": "packed", "shipped": "shipped", "delivered": "delivered",
             "completed": "completed", "cancelled": "cancelled", "returned": "returned"}


def _status(times: dict[str, np.ndarray]) -> np.ndarray:
    latest = np.full(len(times["placed"]), -1, dtype=np.int64)
    status = np.full(len(latest), "pending_payment", dtype=object)
    for event in ORDER_OF_EVENTS:
        newer = times[event] > latest
        status[newer] = STATUS_OF[event]
        latest = np.maximum(latest, times[event])
    return status


def chunk_tables(rng: np.random.Generator, idx: np.ndarray, placed: np.ndarray, batch: str) -> dict[str, pa.Table]:
    """Every table's rows for orders `idx` placed at `placed` (µs since epoch)."""
    n, now = len(idx), _us(END)
    times = lifecycle(rng, placed, now)
    oid = _ids("OH-", oid_numbers(idx))
    ch = rng.choice(len(CHANNELS), n, p=CHANNEL_P)
    updated = np.max(np.stack(list(times.values())), axis=0)
    tables = {"orders": _order_rows(rng, idx, oid, ch, times, updated, batch),
              "order_lines": _line_rows(rng, oid, placed, updated, CURRENCY[ch], batch),
              "order_events": _event_rows(rng, oid, times, batch),
              "exceptions": _exception_rows(rng, oid, times, batch),
              "actions": _action_rows(rng, oid, times)}
    totals = tables["orders"].slice(tables["orders"].num_rows - n)["total_cents"].to_numpy()  # the current rows
    return {**tables, "settlements": _settlement_rows(idx, oid, ch, totals, times, batch)}


def _order_rows(rng, idx, oid, ch, times, updated, batch) -> pa.Table:
    n = len(oid)
    paid = times["paid"]
    base = {
        "order_id": oid, "channel": CHANNELS[ch], "shop_id": np.char.add(CHANNELS[ch], "-main"),
        "platform_order_id": oid, "raw_status": np.full(n, "X"), "currency": CURRENCY[ch],
        "total_cents": np.round(rng.lognormal(9.0, 0.8, n)).astype(np.int64),
        "warehouse": WAREHOUSES[rng.integers(0, len(WAREHOUSES), n)],
        "carrier": CARRIERS[rng.integers(0, len(CARRIERS), n)], "receiver_province": np.full(n, "浙江"),
        "placed_at": _ts(times["placed"]), "paid_at": _ts(paid, paid >= 0),
        # what customer service searches by (bench lookup set); from the index, so no random draw changes
        "tracking_no": _ids("SF", oid_numbers(idx) * 3 + 7),
        "receiver_phone": _ids("13", idx % 1_000_000_000 + 100_000_000),
        "buyer_id": buyers(idx),
        "ship_by_at": _ts(paid + 36 * HOUR_US, paid >= 0), "batch_id": np.full(n, batch),
    }
    current = pa.table({**base, "status": _status(times), "updated_at": _ts(updated), "ingested_at": _ts(updated)})
    old = rng.random(n) < 0.2  # an earlier version of one order in five, superseded by the current one
    early = times["placed"] + 1
    older = pa.table({**base, "status": np.full(n, "pending_payment"), "updated_at": _ts(early),
                      "ingested_at": _ts(early)}).filter(pa.array(old))
    return pa.concat_tables([older.select(current.column_names), current])


def _line_rows(rng, oid, placed, updated, currency, batch) -> pa.Table:
    per = rng.choice([1, 2, 3], len(oid), p=[0.55, 0.3, 0.15])
    at = np.repeat(np.arange(len(oid)), per)
    line_no = np.arange(len(at)) - np.repeat(np.cumsum(per) - per, per) + 1
    return pa.table({
        "order_id": oid.take(pa.array(at)), "line_no": line_no.astype(np.int32),
        "sku": _ids("SKU-", rng.integers(0, 5000, len(at))), "qty": rng.integers(1, 4, len(at)).astype(np.int32),
        "unit_price_cents": rng.integers(500, 30000, len(at)), "currency": currency[at],
        "is_gift": rng.random(len(at)) < 0.05, "placed_at": _ts(placed[at]), "updated_at": _ts(updated[at]),
        "ingested_at": _ts(updated[at]), "batch_id": np.full(len(at), batch),
    })


def _event_rows(rng, oid, times, batch) -> pa.Table:
    parts = []
    for code, event in enumerate(ORDER_OF_EVENTS):
        at = np.flatnonzero(times[event] >= 0)
        parts.append((at, np.full(len(at), event), times[event][at], code))
    realloc = np.flatnonzero((times["allocated"] >= 0) & (rng.random(len(oid)) < 0.03))  # rework
    parts.append((realloc, np.full(len(realloc), "allocated"), times["allocated"][realloc] + HOUR_US, 99))
    at = np.concatenate([p[0] for p in parts])
    ids = oid.take(pa.array(at))
    codes = np.concatenate([np.full(len(p[0]), p[3]) for p in parts])
    src = np.where(np.isin(np.concatenate([p[1] for p in parts]), ["placed", "paid", "cancelled"]), "platform", "wms")
    occurred = np.concatenate([p[2] for p in parts])
    return pa.table({
        "event_id": pc.binary_join_element_wise(ids, pc.cast(pa.array(codes), pa.string()), ":"),
        "order_id": ids, "event": np.concatenate([p[1] for p in parts]), "source": src,
        "occurred_at": _ts(occurred), "ingested_at": _ts(occurred), "batch_id": np.full(len(at), batch),
    })


def _exception_rows(rng, oid, times, batch) -> pa.Table:
    at = np.flatnonzero((times["paid"] >= 0) & (rng.random(len(oid)) < 0.04))
    detected = times["paid"][at] + (rng.exponential(3.0, len(at)) * HOUR_US).astype(np.int64)
    status = np.array(["open", "in_progress", "resolved", "dismissed"])[
        rng.choice(4, len(at), p=[0.15, 0.05, 0.7, 0.1])]
    resolved = detected + (rng.exponential(5.0, len(at)) * HOUR_US).astype(np.int64)
    done = status == "resolved"
    return pa.table({
        "exception_id": _ids("X-", at.astype(np.int64) + int(batch.split("-")[-1]) * 10**8),
        "order_id": oid.take(pa.array(at)), "type": EXC_TYPES[rng.integers(0, len(EXC_TYPES), len(at))],
        "severity": np.full(len(at), "high"), "status": status, "detected_at": _ts(detected),
        "due_at": _ts(detected + 4 * HOUR_US), "resolved_at": _ts(resolved, done),
        "updated_at": _ts(np.where(done, resolved, detected)), "ingested_at": _ts(np.where(done, resolved, detected)),
        "batch_id": np.full(len(at), batch),
    })


def _settlement_rows(idx, oid, ch, totals, times, batch) -> pa.Table:
    """The platforms' payout lines: each delivered order's sale settled 3–12 days after delivery (a returned
    one also refunded), as far as `now`; 1 % never settled, 0.2 % settled twice, 0.5 % paid 1–100 minor
    units short. Drawn from a generator of their own, so every other table is as in version 2."""
    rng = np.random.default_rng(int(idx[0]) + 1_000_003)
    n, now = len(oid), _us(END)
    at = times["delivered"] + (rng.uniform(3, 12, n) * 24 * HOUR_US).astype(np.int64)
    fate = rng.random(n)
    settled = (times["delivered"] >= 0) & (at <= now) & (fate >= 0.01)
    sale = totals - np.where(fate >= 0.995, rng.integers(1, 101, n), 0)
    parts = [(np.flatnonzero(settled), "sale", sale, 0),
             (np.flatnonzero(settled & (fate >= 0.01) & (fate < 0.012)), "sale", sale, 7 * 24 * HOUR_US),
             (np.flatnonzero(settled & (times["returned"] >= 0)), "refund", -totals, 0)]
    rows = np.concatenate([p[0] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[1]) for p in parts])
    line = np.concatenate([np.full(len(p[0]), k) for k, p in enumerate(parts)])
    when = np.concatenate([at[p[0]] + p[3] for p in parts])
    when -= when % 1_000_000
    ids = oid.take(pa.array(rows))
    return pa.table({
        "settlement_id": pc.binary_join_element_wise(ids, pc.cast(pa.array(line), pa.string()), "S"),
        "channel": CHANNELS[ch][rows], "shop_id": np.char.add(CHANNELS[ch][rows], "-main"),
        "platform_order_id": ids, "order_id": ids, "line_type": kind,
        "amount_cents": np.concatenate([p[2][p[0]] for p in parts]).astype(np.int64),
        "currency": CURRENCY[ch][rows], "settled_at": _ts(when),
        "payout_id": _ids("P-", when // (24 * HOUR_US)), "report": np.full(len(rows), "bench"),
        "source_line_id": pc.binary_join_element_wise(ids, pc.cast(pa.array(line), pa.string()), ":"),
        "ingested_at": _ts(when), "batch_id": np.full(len(rows), batch),
    })


def _action_rows(rng, oid, times) -> pa.Table:
    at = np.flatnonzero(rng.random(len(oid)) < 0.015)
    when = times["placed"][at] + 2 * HOUR_US
    return pa.table({"action_id": pc.binary_join_element_wise(oid.take(pa.array(at)), "edit", ":"),
                     "occurred_at": _ts(when), "user": np.full(len(at), "ops.bench"),
                     "action": np.full(len(at), "edit"), "order_id": oid.take(pa.array(at))})


def generate(out: Path, orders: int, days: int = 365, batches: int | None = None, seed: int = 7,
             chunk: int = 250_000, progress: bool = True) -> dict[str, int]:
    """Write `orders` orders placed over `days` days ending at END into `out` (a lake dir)."""
    rng = np.random.default_rng(seed)
    span = days * 24 * HOUR_US
    start = _us(END) - span
    size = -(-orders // batches) if batches else chunk
    rows: dict[str, int] = {}
    t0 = time.perf_counter()
    for n, first in enumerate(range(0, orders, size)):
        idx = np.arange(first, min(first + size, orders), dtype=np.int64)
        placed = start + ((idx + rng.random(len(idx))) * (span / orders)).astype(np.int64)
        for table, data in chunk_tables(rng, idx, placed, f"bench-{n}").items():
            lake.write(out, table, data)
            rows[table] = rows.get(table, 0) + data.num_rows
        if progress and n % 10 == 0:
            print(f"  {idx[-1] + 1:>11,} orders written, {time.perf_counter() - t0:6.1f}s", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the lake directory to write")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--batches", type=int, help="write in this many batches (many small files)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    rows = generate(args.out, args.orders, args.days, args.batches)
    print(f"{args.out}: {rows} in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
