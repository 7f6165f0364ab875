"""Two write-back runs at once, in two real processes (`ingest serve`'s job and a hand-run `python -m ingest
writeback` call the same `confirm_shipments`): each shipped order is confirmed on its platform once.

Every platform call is slowed (the sandbox's `slow` fault), so the first run is still sending when the second
starts; without the lock both read the same due list and the sandbox counts the second sends as repeats.
"""

from __future__ import annotations

import subprocess
import sys

from ingest.platforms import PLATFORMS
from tests.events.test_writeback import _shipped_by_warehouse, _shop


def test_two_processes_never_confirm_the_same_order_twice(data_dir):
    sandbox, _ = _shop(data_dir)
    try:
        expected = _shipped_by_warehouse(sandbox)
        for p in PLATFORMS:
            sandbox.faults.add(p, "slow", delay_s=0.15)
        runs = [subprocess.Popen([sys.executable, "-m", "ingest", "writeback", "--data", str(data_dir)],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=240)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        assert set(sandbox.shipping.confirmations) == expected
        assert sandbox.shipping.repeats == 0, outputs
        sent = sorted(int(out.strip().splitlines()[-1].split(";")[0].removeprefix("sent ")) for out in outputs)
        assert sent == [0, len(expected)], outputs  # one run sent them all; the other found nothing due
    finally:
        sandbox.stop()
