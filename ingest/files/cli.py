"""`python -m ingest import FILE --profile PROFILE.toml`, or the three files of a history migration together:

    python -m ingest import --orders O.csv --orders-profile O.toml --items I.csv --items-profile I.toml \\
        --payments P.csv --payments-profile P.toml

Orders files go through `importer.import_file`; items and payments files attach to orders already in the
lake (`attach.attach_file`), and rows held for orders not yet imported are released after each orders file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ingest.files import scans, settlements
from ingest.files.attach import attach_file, release_held
from ingest.files.importer import ImportResult, import_file
from ingest.files.profile import ProfileError, load_profile
from ingest.files.scans import is_scan_profile
from ingest.files.tables import ImportFileError
from ingest.stock import upload as stock_upload
from ingest.stock.upload import is_stock_profile
from models.settings import ConfigError, load_settings

FLAGS = ("orders", "items", "payments")  # the order one command imports them in: orders first


def _jobs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[tuple[str, Path, Path]]:
    """(kind, file, profile) per file given: FILE --profile P, and/or --orders/--items/--payments FILE."""
    jobs = [(kind, getattr(args, kind), getattr(args, f"{kind}_profile") or args.profile) for kind in FLAGS
            if getattr(args, kind)]
    if args.file:
        jobs.insert(0, ("", args.file, args.profile))
    if not jobs:
        parser.error("give a FILE, or --orders / --items / --payments")
    missing = [f"--{kind or 'profile'}-profile" if kind else "--profile" for kind, _, p in jobs if p is None]
    if missing:
        parser.error(f"no profile for {missing[0].removesuffix('-profile')} (give {missing[0]} or --profile)")
    return jobs


WORKERS = max(1, min(2, os.cpu_count() or 1))


def _one(kind: str, path: Path, profile_path: Path, lake_dir: Path, workers: int) -> ImportResult:
    """Import one file with its profile, checking that the profile is for what the flag says."""
    profile = load_profile(profile_path)
    if kind and profile.kind != kind:
        raise ProfileError(f"{profile_path}: [source] kind is {profile.kind!r} but it was given for --{kind}")
    if profile.kind != "orders":
        return attach_file(path, profile, lake_dir)
    result = import_file(path, profile, lake_dir, workers=workers)
    for released in release_held(lake_dir):
        print(f"released {released.lines} held row(s) of {released.path.name}", file=sys.stderr)
    return result


def _report(path: Path, result: ImportResult) -> int:
    print(f"imported {result.orders} order(s), {result.lines} line(s) from {result.rows} row(s) of {path}"
          f" (batch {result.batch_id})")
    if result.held_file:
        print(f"{result.held_rows} row(s) held until their orders arrive; see {result.held_file}", file=sys.stderr)
    if result.reject_file:
        print(f"{result.rejected_rows} row(s) rejected; see {result.reject_file}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest import", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?", help="a .csv or .xlsx export")
    parser.add_argument("--profile", type=Path, help="column profile (see docs/file-import.md)")
    for kind in FLAGS:
        parser.add_argument(f"--{kind}", type=Path, help=f"the {kind} export of a history migration")
        parser.add_argument(f"--{kind}-profile", type=Path, help=f"its profile (kind = \"{kind}\"; else --profile)")
    parser.add_argument("--data", type=Path, help="data directory (default: $ORDERHUB_DATA or ./data)")
    parser.add_argument("--workers", type=int, default=WORKERS, metavar="N",
                        help=f"processes building an orders file's orders (default {WORKERS}: this machine's cores, "
                             "at most 2; 1 leaves a core to the console)")
    args = parser.parse_args(argv[1:])
    if args.workers < 1:
        parser.error("--workers must be 1 or more")
    code = 0
    for kind, path, profile in _jobs(parser, args):
        try:
            if settlements.is_settlement_profile(profile):  # a payout / income report: settlement lines
                code = max(code, settlements.run(path, profile, load_settings(args.data)))
                continue
            if is_scan_profile(profile):  # a warehouse/carrier scan log: events, not orders
                code = max(code, scans.run(path, profile, load_settings(args.data)))
                continue
            if is_stock_profile(profile):  # stock counts or movements (ingest/stock/upload.py)
                code = max(code, stock_upload.run(path, profile, load_settings(args.data)))
                continue
            result = _one(kind, path, profile, load_settings(args.data).lake_dir, args.workers)
        except (ImportFileError, ProfileError, ConfigError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        code = max(code, _report(path, result))
    return code
