"""Two pulls in two real processes sell the last unit of A at once: exactly one reservation and one
`oversell` exception, on the other order, naming both. The reservation pass holds the `reservations` lock,
so the second pass lists the lake after the first wrote its reservation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.inventory.shop import exceptions, state
from tests.inventory.test_reserve import setup

ROOT = Path(__file__).resolve().parents[2]


def test_two_concurrent_pulls_sell_the_last_unit_once(data_dir):
    s = setup(data_dir, {("A", "Suzhou"): 1})
    start = data_dir / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "tests.inventory.one_pull", str(data_dir), oid, channel,
                               listing, minute, str(start)], cwd=ROOT, env=env)
             for oid, channel, listing, minute in (("SP9", "shopee", "SP-A", "1"), ("LZ9", "lazada", "LZ-A", "2"))]
    start.touch()
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    [(winner, sku, wh, qty, st, _)] = state(s)
    assert (sku, wh, qty, st) == ("A", "Suzhou", 1, "reserved") and winner in ("SP9", "LZ9")
    loser = "LZ9" if winner == "SP9" else "SP9"
    [(oid, kind, status, note)] = exceptions(s)
    assert (oid, kind, status) == (loser, "oversell", "open")
    assert winner in note and loser in note
