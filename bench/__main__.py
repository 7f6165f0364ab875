"""`python -m bench` (`make bench`): generate lakes, measure every page's query set, ingest, compaction and
the peers (pandas, PM4Py, plain DuckDB SQL over the raw files), check the figures agree, and write
bench/results.md with issue #18's targets against the figures.

    python -m bench --scales 1000000 --runs 5 [--pm4py-max 200000] [--ingest 100000] [--compaction 1000000]

Each measurement runs in a fresh process whose peak RSS is read with os.wait4. Results of earlier runs
(other scales) are kept in bench/work/results.json and merged into the report.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report, synth
from bench.compare import compare, same
from ingest.platforms import PLATFORMS

HERE = Path(__file__).parent
LAKES = HERE / "lakes"
PEERS_PY = HERE / ".venv-peers" / "bin" / "python"
RESULTS = HERE / "work" / "results.json"  # ours; bench/lakes may be a link to lakes shared read-only


def child(args: list[str], python: str = sys.executable) -> tuple[dict, float, float]:
    """Run `python -m <args>` in a fresh process: (its JSON output, wall seconds, its peak RSS in MiB)."""
    t = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([python, "-m", *args], stdout=out, stderr=err, env=env, cwd=HERE.parent, text=True)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage: ru_maxrss is its peak RSS
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            raise RuntimeError(f"{' '.join(args)} failed:\n{err.read()[-3000:]}")
        res = json.loads(out.read().strip().splitlines()[-1])
        return res, wall, res.get("peak_mib", usage.ru_maxrss / 1024)


def lake_for(orders: int, batches: int | None = None) -> Path:
    """The lake of `orders` orders, generated once and reused while the generator's version is the same (a
    marker says it is complete, and from which version)."""
    root = LAKES / (f"{orders}" + (f"-b{batches}" if batches else ""))
    if _version(root / "COMPLETE") != synth.VERSION:
        shutil.rmtree(root, ignore_errors=True)
        t = time.perf_counter()
        rows = synth.generate(root / "lake", orders, batches=batches)
        (root / "COMPLETE").write_text(json.dumps({"rows": rows, "seconds": time.perf_counter() - t,
                                                   "version": synth.VERSION}))
    return root / "lake"


def _version(marker: Path) -> int | None:
    try:
        return json.loads(marker.read_text()).get("version", 1)
    except (OSError, ValueError):
        return None


def bench_scale(orders: int, runs: int, pm4py_max: int, pandas_max: int, table_max: int, engines_max: int) -> dict:
    from bench.queries import query_sets

    lake = lake_for(orders)
    out: dict = {"orders": orders, "lake": json.loads((lake.parent / "COMPLETE").read_text()), "sets": []}
    res, wall, rss = child(["bench.refresh", str(lake), str(orders)])
    out["refresh"] = {**res, "peak_mib": rss}
    child(["bench.queries", str(lake), "overview", "7", "1"])  # warms the mart the query sets read
    plan = [(s, "mart") for s in query_sets()]
    if orders <= table_max:  # the alternative: the mart loaded into a table (its memory follows the lake)
        plan += [("overview", "table"), ("flow_stats", "table")]
    for set_name, facts in plan:
        for days in ((7, 90) if set_name not in ("flow_stats", "lookup") else (0,)):
            res, wall, rss = child(["bench.queries", str(lake), set_name, str(days or 7), str(runs), facts])
            out["sets"].append({"set": set_name, "days": days, "facts": facts, "peak_mib": rss, "process_s": wall,
                                **{k: v for k, v in res.items() if k != "results"}})
            if facts != "mart":
                continue
            if set_name == "flow_stats":
                out["flow_results"] = res["results"]
            if set_name == "overview" and days == 7:
                out["overview_results"], out["scope"] = res["results"], res["scope"]
    out["checks"] = []
    if orders <= engines_max:
        out["engines"] = bench_engines(lake)
    if orders <= pandas_max:
        res, wall, rss = child(["bench.peers_pandas", str(lake), json.dumps(out["scope"])])
        out["pandas"] = {"flow_s": res["flow_s"], "summary_s": res["summary_s"], "process_s": wall, "peak_mib": rss}
        out["checks"] += compare("pandas", out["flow_results"], res["results"], out["overview_results"],
                                 res["summary"])
    res, wall, rss = child(["bench.peers_duckdb", str(lake)])
    out["duckdb_sql"] = {"flow_s": res["flow_s"], "process_s": wall, "peak_mib": rss}
    out["checks"] += compare("duckdb_sql", out["flow_results"], res["results"])
    if orders <= pm4py_max and PEERS_PY.exists():
        res, wall, rss = child(["bench.peers_pm4py", str(lake)], python=str(PEERS_PY))
        out["pm4py"] = {"flow_s": res["flow_s"], "process_s": wall, "peak_mib": rss}
        out["checks"] += compare("pm4py", out["flow_results"], res["results"])
    return out


def bench_engines(lake: Path) -> dict:
    """The KPI set on DuckDB and on Spark (local) from the same files; the figures must agree."""
    runs = {}
    for engine in ("duckdb", "spark"):
        res, wall, rss = child(["bench.engines", str(lake), engine])
        runs[engine] = {**res, "process_s": wall, "peak_mib": rss}
    try:
        same(runs["duckdb"].pop("results"), runs["spark"].pop("results"))
        runs["agree"] = "ok"
    except AssertionError as exc:
        runs["agree"] = f"MISMATCH {exc}"
    return runs


def bench_compaction(orders: int) -> dict:
    lake = lake_for(orders, batches=200)
    res, _, rss = child(["bench.compaction", str(lake)])
    return {"orders": orders, **res, "peak_mib": rss}


NORMALIZER_CHECKS = "tests/ingest/test_normalize_page.py"


def normalizer_check() -> dict:
    """The normalizers' differential check in this run: the page path equals the per-row path on the corpus
    (fixtures, generated and corrupted payloads), and the per-row outputs equal the digests written before
    the ingest speed-ups (tests/golden/normalize_digests.json)."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", NORMALIZER_CHECKS],
                          cwd=HERE.parent, capture_output=True, text=True)
    summary = (done.stdout.strip().splitlines() or ["no output"])[-1]
    return {"peer": "normalizers", "what": "page path = per-row path = outputs before the speed-ups",
            "ok": done.returncode == 0, "detail": summary}


def bench_ingest(n: int) -> list[dict]:
    """Each platform: one process, then two workers, each on a fresh lake; with the decode-only ceiling."""
    out = []
    for platform in PLATFORMS:
        row = {}
        for workers in ("1", "2"):
            target = LAKES / f"ingest-{platform}"
            shutil.rmtree(target, ignore_errors=True)
            res, _, rss = child(["bench.ingest_rate", str(target / "lake"), platform, str(n), workers])
            row = {**res, "peak_mib": rss} if workers == "1" else {**row, "two_workers_per_s": res["orders_per_s"]}
            shutil.rmtree(target, ignore_errors=True)
        out.append(row)
    return out


def bench_reservations(orders: int) -> dict:
    lake = lake_for(orders)
    res, wall, rss = child(["bench.reservations", str(lake), str(orders), "3000"])
    return {**res, "process_s": wall, "peak_mib": rss}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1000000", help="comma-separated order counts (default 1000000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per query set (median reported)")
    parser.add_argument("--pm4py-max", type=int, default=200_000, help="largest lake PM4Py is run on")
    parser.add_argument("--pandas-max", type=int, default=1_000_000,
                        help="largest lake the pandas peer is run on (it needs ~3 GB per million orders)")
    parser.add_argument("--table-max", type=int, default=1_000_000,
                        help="largest lake the mart-in-a-table alternative is measured on")
    parser.add_argument("--engines-max", type=int, default=1_000_000,
                        help="largest lake the KPI set from raw files is run on, on DuckDB and Spark (37 s a scope on "
                             "DuckDB at 1 M: it computes order_facts from the events, not the mart)")
    parser.add_argument("--ingest", type=int, default=100_000, help="payloads per platform (0: skip)")
    parser.add_argument("--compaction", type=int, default=1_000_000, help="orders in the 200-batch lake (0: skip)")
    parser.add_argument("--reservations", type=int, default=1_000_000,
                        help="orders in the lake a 3,000-order reservation pass runs on (0: skip)")
    args = parser.parse_args(argv)
    LAKES.mkdir(exist_ok=True)
    RESULTS.parent.mkdir(exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"scales": {}}
    for orders in (int(s) for s in args.scales.split(",") if s):
        print(f"scale {orders:,}", flush=True)
        results["scales"][str(orders)] = bench_scale(orders, args.runs, args.pm4py_max, args.pandas_max,
                                                   args.table_max, args.engines_max)
        RESULTS.write_text(json.dumps(results, indent=1))
    if args.ingest:
        results["ingest"] = bench_ingest(args.ingest)
        results["ingest_checks"] = [normalizer_check()]
    if args.compaction:
        results["compaction"] = bench_compaction(args.compaction)
    if args.reservations:
        results["reservations"] = bench_reservations(args.reservations)
    RESULTS.write_text(json.dumps(results, indent=1))
    md = HERE / "results.md"
    previous = md.read_text(encoding="utf-8") if md.exists() else ""
    md.write_text(report.with_hand_sections(report.render(results), previous), encoding="utf-8")
    failed = [c for s in results["scales"].values() for c in s.get("checks", []) if not c["ok"]]
    failed += [c for c in results.get("ingest_checks", []) if not c["ok"]]
    for c in failed:
        print(f"MISMATCH {c['peer']} {c['what']}: {c['detail']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
