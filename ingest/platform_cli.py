"""The options every command that writes to the platforms shares (`writeback`, `stockpush`)."""

from __future__ import annotations

import argparse


def platform_write_args(command: str, description: str, argv: list[str]) -> argparse.Namespace:
    """`--channel`, `--dry-run` and `--data`, parsed from argv (argv[0] is the command)."""
    parser = argparse.ArgumentParser(prog=f"python -m ingest {command}", description=description)
    parser.add_argument("--channel", help="only this platform (e.g. shopee)")
    parser.add_argument("--dry-run", action="store_true", help="print the requests; send and write nothing")
    parser.add_argument("--data", help="data directory (default: ORDERHUB_DATA or ./data)")
    return parser.parse_args(argv[1:])
