"""Lake housekeeping: compaction and clean-up of temp files left by crashed writers."""

from __future__ import annotations

import argparse
import logging

from models import lake
from models.schema import TABLES
from models.settings import load_settings

log = logging.getLogger(__name__)


def compact_all(min_files: int = 2) -> list[lake.CompactionReport]:
    """Compact every table; safe while readers and writers run (see models.lake.compact)."""
    settings = load_settings()
    reports = [lake.compact(settings.lake_dir, name, min_files=min_files) for name in TABLES]
    removed = lake.clean_temp_files(settings.lake_dir)
    for r in reports:
        if r.partitions:
            log.info("compacted %s: %d → %d files, %d → %d rows", r.table, r.files_before, r.files_after,
                     r.rows_before, r.rows_after)
    if removed:
        log.info("removed %d stale temp file(s)", removed)
    return reports


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest compact", description=compact_all.__doc__)
    parser.add_argument("--min-files", type=int, default=2,
                        help="compact partitions with at least this many files")
    args = parser.parse_args(argv[1:])
    compact_all(args.min_files)
    return 0
