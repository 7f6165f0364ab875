"""`make run` end to end: scripts/run.sh starts the sandbox (marketplace, warehouse, carrier), `ingest serve`
(pulls, receiver, rules) and the console on a temporary data dir; once the sandbox's carrier feed has
delivered a parcel of a sandbox marketplace order into the lake, an agent looks the order up in the
browser and sees it delivered. Only the sandbox's feeds move it: nothing is written by the test but the
configuration (the shipped one, on free ports) and a user.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from models.auth import add_user
from models.db import connect
from models.settings import Settings
from sim.sandbox.market import SHOP_IDS
from tests.browser.conftest import PASSWORD, USERS, login
from tests.browser.server import ROOT, free_port, wait_healthy
from tests.browser.ui import assert_no_error, nav, settle

pytestmark = pytest.mark.browser
DELIVERED_SQL = """
select o.order_id from lake_order_events e join orders o using (order_id)
where e.source = 'carrier' and e.event = 'delivered' and o.shop_id in (select unnest($shops::varchar[]))
order by o.order_id limit 1
"""


def _configure(data_dir: Path, sandbox_port: int, webhook_port: int) -> Settings:
    """The shipped configuration (data/config) with the sandbox and the receiver on free ports."""
    config = data_dir / "config"
    shutil.copytree(ROOT / "data" / "config", config)
    for path in config.glob("*.toml"):
        path.write_text(path.read_text(encoding="utf-8").replace("127.0.0.1:8765", f"127.0.0.1:{sandbox_port}")
                        .replace("127.0.0.1:8766", f"127.0.0.1:{webhook_port}"), encoding="utf-8")
    with open(config / "settings.toml", "a", encoding="utf-8") as fh:
        fh.write(f"\nwebhook_port = {webhook_port}\n")
    settings = Settings(data_dir=data_dir)
    add_user(USERS["viewer"], "viewer", PASSWORD, settings)
    return settings


def _delivered_order(settings: Settings, timeout_s: float = 150) -> str:
    """The first sandbox order with a delivered event from the carrier, polling the lake (bounded)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (settings.lake_dir / "order_events").exists():
            db = connect(settings)
            try:
                row = db.con.execute(DELIVERED_SQL, {"shops": list(SHOP_IDS.values())}).fetchone()
            finally:
                db.close()
            if row:
                return row[0]
        time.sleep(2)
    raise AssertionError(f"no delivered event from the sandbox's carrier within {timeout_s:.0f}s")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    data = tmp_path / "data"
    sandbox_port, webhook_port, port = free_port(), free_port(), free_port()
    settings = _configure(data, sandbox_port, webhook_port)
    env = {**os.environ, "ORDERHUB_DATA": str(data), "SANDBOX_PORT": str(sandbox_port),
           "WEBHOOK_PORT": str(webhook_port), "ORDERHUB_BIND": "127.0.0.1"}
    log_path = tmp_path / "run.log"
    with open(log_path, "w") as log:
        run = subprocess.Popen(["bash", "scripts/run.sh", str(port)], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, run, log_path, timeout_s=120)
            yield url, settings
        finally:
            run.send_signal(signal.SIGTERM)  # run.sh's trap stops the sandbox, ingest serve and the console
            try:
                run.wait(timeout=30)
            except subprocess.TimeoutExpired:
                run.kill()
            # pytest shows captured output only for a failed test: the console's traceback is in this log
            print("".join(log_path.read_text(errors="replace").splitlines(keepends=True)[-120:]))


def last_traceback(*logs: Path) -> str:
    """The end of the newest traceback in these logs (the console redacts its errors on the page), so a
    failure names its cause in its first line instead of in a folded log."""
    found = ""
    for path in logs:
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
        if starts:
            block = lines[starts[-1]:]
            end = next((i for i, line in enumerate(block[1:], 1) if not line.startswith((" ", "\t"))), len(block) - 1)
            found += f"\n--- {path.name}:\n" + "\n".join(block[max(1, end - 12):end + 1])
    return found or " (no traceback in the logs)"


@pytest.mark.timeout(600)  # three processes start; on a shared, loaded machine that took six minutes
def test_after_make_run_an_order_moved_only_by_the_sandbox_feeds_shows_delivered(page: Page, stack):
    url, settings = stack
    order_id = _delivered_order(settings)
    page.set_default_timeout(90_000)  # the console's first page builds the mart while serve is busy catching up
    try:
        login(page, url, "viewer")
        nav(page, "Order lookup")
        page.get_by_role("textbox", name="Order id, platform order id or tracking number").fill(order_id)
        page.keyboard.press("Enter")
        settle(page)
        assert_no_error(page)
        expect(page.locator("h2, h3").filter(has_text=order_id).first).to_be_visible()
        expect(page.get_by_text("The parcel was delivered.")).to_be_visible()
    except AssertionError as exc:
        logs = settings.data_dir / "logs"
        pytest.fail(f"{str(exc)[:300]}{last_traceback(settings.data_dir.parent / 'run.log', logs / 'ingest.log')}",
                    pytrace=False)
