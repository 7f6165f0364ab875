"""`python -m ingest fx-rates FILE [--data DIR]`: exchange rates from a file, e.g. the ECB's daily CSV.

    Date, USD, JPY, ...
    02 December 2026, 1.0550, 158.12, ...

The ECB file gives units of each currency per euro; OrderHub keeps units of the reporting currency per
unit of each currency, so each rate is converted through the euro (CNY per USD = CNY per EUR / USD per
EUR). The rates are written (atomically) to `<data>/config/fx_rates.toml`, which load_settings reads
over the defaults; settings.toml's own fx_rates still win for the currencies it names.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from models.settings import FX_FILE, ConfigError, load_settings


def ecb_rates(path: Path, reporting: str) -> dict[str, float]:
    """Units of `reporting` per unit of each currency, from an ECB eurofxref CSV (rates per EUR)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header, values = [c.strip() for c in next(csv.reader(fh))], next(csv.reader(fh))
    except (OSError, StopIteration, csv.Error) as exc:
        raise ConfigError(f"{path}: not an ECB rates CSV (a 'Date, USD, JPY, ...' header and one row)") from exc
    per_eur = {"EUR": Decimal(1)}
    for code, value in zip(header[1:], values[1:], strict=False):
        if code and value.strip() not in {"", "N/A"}:
            try:
                per_eur[code.upper()] = Decimal(value.strip())
            except InvalidOperation as exc:
                raise ConfigError(f"{path}: {code} rate {value.strip()[:20]!r} is not a number") from exc
    if reporting not in per_eur:
        raise ConfigError(f"{path}: no rate for the reporting currency {reporting}; it cannot convert the others")
    return {c: float(per_eur[reporting] / r) for c, r in sorted(per_eur.items()) if r > 0}


def write_rates(config_dir: Path, rates: dict[str, float], source: str) -> Path:
    """`fx_rates.toml` written to a temp file, fsynced and renamed: readers see the old or the new rates."""
    config_dir.mkdir(parents=True, exist_ok=True)
    final, tmp = config_dir / FX_FILE, config_dir / f".tmp-{FX_FILE}"
    lines = [f"# written by python -m ingest fx-rates from {source}", "[fx_rates]"]
    lines += [f"{code} = {rate!r}" for code, rate in rates.items()]
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    return final


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest fx-rates", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="the ECB's eurofxref.csv (rates per EUR)")
    parser.add_argument("--data", type=Path, help="data directory (default: $ORDERHUB_DATA or ./data)")
    args = parser.parse_args(argv[1:])
    try:
        settings = load_settings(args.data)
        rates = ecb_rates(args.file, settings.reporting_currency)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = write_rates(settings.config_dir, rates, args.file.name)
    print(f"{len(rates)} rate(s) in {settings.reporting_currency} written to {path}")
    return 0
