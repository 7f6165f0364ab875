"""The real console in a real browser, shared by the browser tests and the interaction benchmark: start
`streamlit run console.py` (app.py and its sign-in cookie routes) on a free port, and wait for a script run
an action started to end."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def console(data_dir: Path, log_path: Path) -> Iterator[str]:
    """Run the console over `data_dir` until the block ends; yields its base URL."""
    port = free_port()
    env = {**os.environ, "ORDERHUB_DATA": str(data_dir)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "console.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, proc, log_path)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_healthy(url: str, proc: subprocess.Popen, log_path: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/_stcore/health", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {timeout_s:.0f}s:\n{log_path.read_text()[-3000:]}")


def settle(page: Page, timeout_ms: int = 60_000) -> None:
    """Wait until the script run an action started has ended.

    The app's `data-test-script-state` leaves "notRunning" as soon as the browser asks for a rerun; waiting
    for that first (briefly: an action may start no run) keeps a loaded machine's late rerun from being
    mistaken for a finished one, which had tests read the previous order's tables."""
    app = page.locator('[data-testid="stApp"]')
    with contextlib.suppress(AssertionError):  # no run started (or it already ended): nothing to wait for
        expect(app).not_to_have_attribute("data-test-script-state", "notRunning", timeout=1_000)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout_ms)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=timeout_ms)
