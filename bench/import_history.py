"""A year of a shop's history imported from one export file: wall time, rate and memory, the console meanwhile.

    python -m bench.import_history ORDERS [--workers N] [--probe LAKE]

Writes a Shopify "Export orders" CSV of ORDERS orders spread over 365 days (bench/work/import/<ORDERS>/,
kept for the next run; about 1.3 rows an order, one in ten a gift line, some orders unfulfilled, refunded or
voided), then imports it through the command a seller runs (`python -m ingest import FILE --profile P
--workers N`) into a fresh data directory, reading the progress lines it prints. The profile is
docs/profiles/shopify-orders.toml with [limits] raised for a file of this size, as docs/file-import.md says.

--mart then builds the console's mart for the imported year (`models.facts_mart.refresh` on the new data
directory, in a fresh process, timed with its peak RSS): until it is built, every page reads the year from
the lake's views. Import and mart together are what the 15-minute target of issue #18 covers.

--probe LAKE times the Overview's 7-day query set on a bench lake (`bench.queries LAKE overview 7 1 mart`)
before the import and every 30 s while it runs: what a console user on the same machine waits meanwhile.
The demo data is generated and labelled: buyers are "Buyer <n>", addresses "<n> Main St".
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work" / "import"
HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Currency",
          "Subtotal", "Shipping", "Taxes", "Total", "Discount Amount", "Created at", "Lineitem quantity",
          "Lineitem name", "Lineitem price", "Lineitem sku", "Shipping Name", "Shipping Address1",
          "Shipping City", "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Cancelled at", "Id"]
STATES = [("paid", "fulfilled")] * 6 + [("paid", "unfulfilled"), ("refunded", "fulfilled"), ("voided", "unfulfilled"),
                                        ("partially_refunded", "fulfilled")]
LIMITS = "\n[limits]\nmax_mb = 100000\nmax_cells = 2000000000\nmax_seconds = 3600\n"
VERSION = 1  # of the file's content: a file written by another version is written again


def _when(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S -0500")


def write_export(path: Path, orders: int) -> None:
    """ORDERS orders over 365 days from 2025-12-01, one row per line item, order fields on the first row."""
    rnd, start, step = random.Random(VERSION), datetime(2025, 12, 1, 5, tzinfo=UTC), 365 * 86400 / orders
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(orders):
            created = start + timedelta(seconds=int(i * step))
            lines = [(1 + rnd.randrange(3), f"Item {rnd.randrange(500)}",
                      f"{5 + rnd.randrange(40)}.{rnd.randrange(100):02d}", f"SKU-{rnd.randrange(997)}")
                     for _ in range(1 + (rnd.random() < 0.3))]
            if rnd.random() < 0.1:
                lines.append((1, "Gift card", "0.00", "GIFT-01"))
            subtotal = sum(q * float(p) for q, _, p, _ in lines)
            paid, fulfilled = rnd.choice(STATES)
            name = f"#{100000 + i}"
            out.writerow([
                name, f"buyer{rnd.randrange(10**6)}@example.com", paid,
                "" if paid == "voided" else _when(created + timedelta(minutes=3)), fulfilled,
                _when(created + timedelta(hours=rnd.randrange(2, 40))) if fulfilled == "fulfilled" else "", "USD",
                f"{subtotal:.2f}", "4.90", "0.00", f"{subtotal + 4.9:.2f}", "0.00", _when(created),
                *lines[0], f"Buyer {i}", f"{i} Main St", "Austin", "TX", "US", "+1 555 0199", "",
                _when(created + timedelta(hours=2)) if paid == "voided" else "", str(5_000_000_000 + i),
            ])
            for line in lines[1:]:
                out.writerow([name, *[""] * 12, *line, *[""] * 9])


def _export(orders: int) -> tuple[Path, Path]:
    folder = WORK / str(orders)
    folder.mkdir(parents=True, exist_ok=True)
    path, stamp = folder / "orders.csv", folder / "orders.version"
    if not path.exists() or not stamp.exists() or stamp.read_text() != str(VERSION):
        t = time.perf_counter()
        write_export(path, orders)
        stamp.write_text(str(VERSION))
        print(f"wrote {path} ({path.stat().st_size / 2**20:,.0f} MiB) in {time.perf_counter() - t:.0f} s",
              file=sys.stderr)
    profile = folder / "shopify-orders.toml"
    profile.write_text((ROOT / "docs/profiles/shopify-orders.toml").read_text("utf-8") + LIMITS, encoding="utf-8")
    return path, profile


def _overview(lake: str) -> float:
    """Seconds the Overview's 7-day set takes in a fresh process (its own figure, not its start-up)."""
    done = subprocess.run([sys.executable, "-m", "bench.queries", lake, "overview", "7", "1", "mart"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return round(json.loads(done.stdout.strip().splitlines()[-1])["first_s"], 2)


def _mart(data: Path) -> dict:
    """The full mart build over the imported data directory, in its own process: seconds and peak RSS."""
    code = ("from pathlib import Path; from models import facts_mart; from models.settings import Settings; "
            f"facts_mart.refresh(Settings(data_dir=Path({str(data)!r})))")
    t = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "peak_kib=%M", sys.executable, "-c", code], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    peak = int(re.search(r"peak_kib=(\d+)", done.stderr)[1]) // 1024  # type: ignore[index]
    return {"mart_s": round(time.perf_counter() - t, 1), "mart_peak_mib": peak}


def main(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.import_history")
    parser.add_argument("orders", type=int)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--probe", help="a bench lake whose Overview set is timed meanwhile")
    parser.add_argument("--mart", action="store_true", help="then build the console's mart for the imported data")
    args = parser.parse_args(argv)
    path, profile = _export(args.orders)
    data = WORK / str(args.orders) / "data"
    shutil.rmtree(data, ignore_errors=True)
    idle = _overview(args.probe) if args.probe else None
    command = [sys.executable, "-m", "ingest", "import", str(path), "--profile", str(profile), "--data", str(data),
               "--workers", str(args.workers)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "peak_kib=%M", *command], cwd=ROOT, stderr=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    probes: list[tuple[float, float]] = []
    out, err = "", ""
    while proc.poll() is None:
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            if args.probe:
                probes.append((round(time.perf_counter() - t0), _overview(args.probe)))
    wall = time.perf_counter() - t0
    if not err:
        out, err = proc.communicate()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"import failed ({proc.returncode}): {err[-2000:]}")
    progress = [line for line in err.splitlines() if line.startswith("import ")]
    imported = int(re.search(r"imported (\d+) order", out)[1])  # type: ignore[index]
    mart = _mart(data) if args.mart else {}
    return {
        **mart, "orders": args.orders, "imported": imported, "workers": args.workers,
        "file_mib": round(path.stat().st_size / 2**20), "wall_s": round(wall, 1),
        "orders_per_s": round(imported / wall),
        "peak_rss_mib_one_process": int(re.search(r"peak_kib=(\d+)", err)[1]) // 1024,  # type: ignore[index]
        "first_progress": progress[0] if progress else None, "last_progress": progress[-1] if progress else None,
        "overview_idle_s": idle, "overview_during_import_s": probes,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
