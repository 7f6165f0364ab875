"""A pull in its own process for the concurrency test: wait for the start signal, write one order, reserve.

    python -m tests.inventory.one_pull <data_dir> <order_id> <channel> <listing> <paid minute> <start file>
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from models.inventory.reserve import run_pass
from models.settings import Settings
from tests.inventory.shop import at, order


def main(argv: list[str]) -> None:
    data_dir, oid, channel, listing, minute, start = argv
    settings = Settings(data_dir=Path(data_dir))
    while not Path(start).exists():  # both processes begin together
        time.sleep(0.01)
    order(settings.lake_dir, oid, channel, {listing: 1}, {"placed": at(9), "paid": at(9, int(minute))})
    run_pass(settings, [oid], now=at(9, 10))


if __name__ == "__main__":
    main(sys.argv[1:])
