"""`python -m ingest <command>`: every ingest entry point in one place.

    python -m ingest demo --days 90          # build a demo lake
    python -m ingest run [--channel C]       # one pull of every (or one) channel
    python -m ingest authorize --channel C --shop S   # first authorization (Shopee, Lazada, TikTok)
    python -m ingest serve                   # the scheduler: pulls, compaction, weekly e-mail
    python -m ingest stockpush [--dry-run]   # tell the platforms how much each listing may sell
    python -m ingest import FILE --profile P # CSV/XLSX import
    python -m ingest writeback [--dry-run]   # confirm shipments (tracking numbers) on the platforms
    python -m ingest normalize --platform P FILE.json [--explain]
    python -m ingest sandbox --port 8765     # local marketplace speaking the platforms' APIs
    python -m ingest fx-rates eurofxref.csv  # exchange rates from the ECB's daily CSV
    python -m ingest compact                 # merge small lake files
    python -m ingest redact-errors           # mask secrets in stored errors (compact does it too)

Each command lives in its own module; this file only dispatches, so `--help` stays fast. `demo` and
`sandbox` are the simulators of the top-level `sim` package: named here by module, never imported by ingest.
"""

from __future__ import annotations

import importlib
import logging
import sys

from models.redact import install_log_redaction

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("sim.demo", "build a deterministic demo history in the lake"),
    "run": ("ingest.scheduler", "pull every channel once (or --channel C)"),
    "authorize": ("ingest.authorize", "authorize a shop whose tokens expire (--channel C --shop S)"),
    "serve": ("ingest.scheduler", "run the scheduler until SIGTERM"),
    "writeback": ("ingest.writeback.run", "confirm shipped orders' tracking on their platforms (--dry-run)"),
    "stockpush": ("ingest.stockpush.run", "push each listing's allocated stock to its platform (--dry-run)"),
    "import": ("ingest.files.cli", "import a CSV/XLSX file with a column profile"),
    "normalize": ("ingest.normalize.cli", "print the canonical orders a saved API response yields"),
    "sandbox": ("sim.sandbox.server", "serve the platforms' APIs locally over generated orders"),
    "fx-rates": ("ingest.fx", "update exchange rates from a file such as the ECB's eurofxref.csv"),
    "compact": ("ingest.maintenance", "merge small lake files; no query result changes"),
    "redact-errors": ("ingest.maintenance", "mask secrets in errors stored before redaction (idempotent)"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"} or argv[0] not in COMMANDS:
        width = max(map(len, COMMANDS))
        lines = [f"  {name:<{width}}  {help_}" for name, (_, help_) in COMMANDS.items()]
        print("usage: python -m ingest <command> [options]\n\ncommands:\n" + "\n".join(lines))
        return 0 if argv and argv[0] in {"-h", "--help"} else 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return int(module.main(argv) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
