"""SIGKILL an `python -m ingest` command at a point the test observes in the lake (the n-th Parquet file
written or removed), never after a guessed sleep: the kill lands where the test says, on a slow machine as
on a fast one, and no test waits longer than the work it kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(data_dir: Path, *args: str, stderr: int = subprocess.PIPE) -> subprocess.Popen:
    """`python -m ingest <args>` on `data_dir`, from the checkout (as the scheduler and the docs run it)."""
    env = {**os.environ, "ORDERHUB_DATA": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "ingest", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr)


def lake_file_set(lake_dir: Path) -> set[str]:
    """Every Parquet file under the lake (os.walk: about twice as cheap as rglob, and it runs every poll)."""
    return {os.path.join(d, f) for d, _, files in os.walk(lake_dir) for f in files if f.endswith(".parquet")}


def lake_files(lake_dir: Path) -> int:
    return len(lake_file_set(lake_dir))


def kill_when(lake_dir: Path, args: tuple[str, ...], reached: Callable[[], bool]) -> bool:
    """Start the command and SIGKILL it as soon as `reached()` holds (checked every 5 ms: on two cores a
    tighter poll slows the command it watches). True when it was still running. Its log goes nowhere: a
    full stderr pipe nobody reads would stall it before the point."""
    proc = cli(lake_dir.parent, *args, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not reached():
        time.sleep(0.005)
    alive = proc.poll() is None
    if alive:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return alive


def kill_when_files(lake_dir: Path, args: tuple[str, ...], k: int) -> bool:
    """Kill once the command has added `k` Parquet files (an import or a pull writes one table after another,
    orders last: k = 0 kills it before any write)."""
    start = lake_files(lake_dir)
    return kill_when(lake_dir, args, lambda: lake_files(lake_dir) >= start + k)


def kill_when_changed(lake_dir: Path, args: tuple[str, ...], k: int) -> bool:
    """Kill once `k` Parquet files have appeared or gone since the command started."""
    start = lake_file_set(lake_dir)
    return kill_when(lake_dir, args, lambda: len(start ^ lake_file_set(lake_dir)) >= k)
