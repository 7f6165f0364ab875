"""Lake housekeeping: compaction, clean-up of temp files left by crashed writers, redaction of old errors.

    python -m ingest compact            # also redacts secrets in stored errors (idempotent)
    python -m ingest redact-errors      # only that
"""

from __future__ import annotations

import argparse
import logging

from models import lake
from models.redact import redact
from models.schema import TABLES
from models.settings import load_settings

log = logging.getLogger(__name__)
# Text columns that hold error messages or texts built from them (an alert about a failed pull quotes it).
ERROR_COLUMNS = (("deliveries", "error"), ("channel_runs", "error"), ("alerts", "detail"))


def redact_errors() -> int:
    """Rewrite stored errors written before redaction existed; files already clean are left alone."""
    settings = load_settings()
    replaced = sum(lake.rewrite_column(settings.lake_dir, table, column, redact) for table, column in ERROR_COLUMNS)
    if replaced:
        log.info("redacted secrets in %d lake file(s)", replaced)
    return replaced


def compact_all(min_files: int = 2) -> list[lake.CompactionReport]:
    """Compact every table; safe while readers and writers run (see models.lake.compact)."""
    settings = load_settings()
    redact_errors()
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
    if argv[0] == "redact-errors":
        print(f"{redact_errors()} file(s) rewritten")
        return 0
    parser = argparse.ArgumentParser(prog="python -m ingest compact", description=compact_all.__doc__)
    parser.add_argument("--min-files", type=int, default=2,
                        help="compact partitions with at least this many files")
    args = parser.parse_args(argv[1:])
    compact_all(args.min_files)
    return 0
