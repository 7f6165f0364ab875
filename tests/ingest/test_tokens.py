"""Access tokens that expire, against the sandbox over real HTTP: the authorize command, a refresh ahead of
expiry and after an expiry mid-pull, a refresh raced by threads and by a second process, a refused refresh.

The sandbox's own counts (issued, refreshes, reused refresh tokens) are the independent witness.
"""

from __future__ import annotations

import io
import json
import logging
import stat
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from ingest.authorize import authorize
from ingest.pipeline import run_channel
from ingest.platforms import connector_class
from models import channel_state
from models import tokens as store
from models.db import connect
from tests.browser.server import ROOT
from tests.ingest.conftest import Sleeps, channel, client_for
from tests.ingest.test_connectors_e2e import lake_ids

EXPIRING = ("shopee", "lazada", "tiktok")


def authorize_via_sandbox(sandbox, settings, platform: str) -> dict:
    """The command end to end: print the URL, follow it as the seller would (the sandbox approves at
    once and redirects), paste the redirect address on stdin."""
    cfg = channel(sandbox, platform)
    out = io.StringIO()

    class Seller(io.StringIO):
        def readline(self, *_: object) -> str:
            url = next(line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("http"))
            reply = requests.get(url, allow_redirects=False, timeout=5)
            assert reply.status_code == 302
            return reply.headers["Location"] + "\n"

    authorize(cfg, settings, "https://localhost/cb", Seller(), out)
    assert "authorized: access token valid until" in out.getvalue()
    record = store.grant(settings.data_dir, platform, cfg.shop_id)
    assert record["access_token"] not in out.getvalue() and record["refresh_token"] not in out.getvalue()
    return record


def counts(sandbox, platform: str) -> dict[str, int]:
    listing = requests.get(f"{sandbox.url}/_sandbox/tokens", timeout=5).json()
    return {k.split(".", 1)[1]: v for k, v in listing.items() if k.startswith(platform + ".")}


def pull(sandbox, settings, platform: str):
    cfg = channel(sandbox, platform)
    return run_channel(cfg, settings, now=lambda: sandbox.clock.now(), client=client_for(cfg, Sleeps()))


def make_due(settings, platform: str, shop: str) -> dict:
    """Move the stored expiry to within the refresh margin (the sandbox still accepts the token)."""
    record = store.grant(settings.data_dir, platform, shop)
    now = datetime.now(UTC)
    record = {**record, "access_expires_at": (now + timedelta(seconds=30)).isoformat(),
              "obtained_at": (now - timedelta(hours=4)).isoformat()}
    store.save_grant(settings.data_dir, platform, shop, record)
    return record


@pytest.mark.parametrize("platform", EXPIRING)
def test_authorize_command_stores_a_grant_the_pull_then_uses(sandbox, settings, platform) -> None:
    record = authorize_via_sandbox(sandbox, settings, platform)
    path = store.tokens_path(settings.data_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert counts(sandbox, platform) == {"issued": 1}
    result = pull(sandbox, settings, platform)
    assert result.outcome == "ok", result.error
    assert lake_ids(settings, platform)[0] == sandbox.market.order_ids(platform)
    table = store.expiry_table(settings.data_dir)
    assert table.loc[0, "access_expires_at"] > datetime.now(UTC) + timedelta(hours=3)
    assert record["access_token"] not in table.to_csv()


def test_a_pasted_code_alone_is_accepted_and_keys_that_never_expire_need_no_authorizing(sandbox, settings) -> None:
    cfg = channel(sandbox, "lazada")
    out = io.StringIO()
    url = connector_class("lazada")(cfg, data_dir=settings.data_dir).tokens.auth.authorize_url("https://x/cb", "s")
    code = requests.get(url, allow_redirects=False, timeout=5).headers["Location"].split("code=")[1].split("&")[0]
    authorize(cfg, settings, "https://x/cb", io.StringIO(code + "\n"), out)
    assert store.grant(settings.data_dir, "lazada", cfg.shop_id) is not None
    shopify = io.StringIO()
    authorize(channel(sandbox, "shopify"), settings, "https://x/cb", io.StringIO(), shopify)
    assert "do not expire" in shopify.getvalue()


@pytest.mark.parametrize("platform", EXPIRING)
def test_token_expiring_mid_pull_is_refreshed_and_the_pull_completes(sandbox, settings, platform) -> None:
    before = authorize_via_sandbox(sandbox, settings, platform)
    sandbox.faults.add(platform, "expire_token", times=1, after=3)  # the 4th request finds it expired
    result = pull(sandbox, settings, platform)
    assert result.outcome == "ok", result.error
    assert counts(sandbox, platform) == {"issued": 2, "refreshes": 1}
    after = store.grant(settings.data_dir, platform, channel(sandbox, platform).shop_id)
    assert after["refresh_token"] != before["refresh_token"] and after["obtained_by"] == "refresh"
    assert lake_ids(settings, platform)[0] == sandbox.market.order_ids(platform)


@pytest.mark.parametrize("platform", EXPIRING)
def test_a_token_about_to_expire_is_refreshed_before_the_first_request(sandbox, settings, platform) -> None:
    authorize_via_sandbox(sandbox, settings, platform)
    old = make_due(settings, platform, channel(sandbox, platform).shop_id)
    requests.post(f"{sandbox.url}/_sandbox/tokens", json={"expire": platform}, timeout=5)  # and it did expire
    result = pull(sandbox, settings, platform)
    assert result.outcome == "ok", result.error
    assert counts(sandbox, platform) == {"issued": 2, "refreshes": 1}
    assert result.http_errors == 0  # refreshed before sending: no request was refused first
    assert store.grant(settings.data_dir, platform, channel(sandbox, platform).shop_id)["access_token"] != (
        old["access_token"]
    )


def test_threads_racing_a_pull_refresh_once_and_never_reuse_the_spent_token(sandbox, settings) -> None:
    platform = "shopee"
    cfg = channel(sandbox, platform)
    authorize_via_sandbox(sandbox, settings, platform)
    old = make_due(settings, platform, cfg.shop_id)
    got: list[str] = []
    start = threading.Barrier(5)

    def refresher() -> None:
        connector = connector_class(platform)(cfg, client_for(cfg, Sleeps()), data_dir=settings.data_dir)
        start.wait()
        got.append(connector.tokens.fresh(old["access_token"]))

    threads = [threading.Thread(target=refresher) for _ in range(4)]
    for t in threads:
        t.start()
    start.wait()
    result = pull(sandbox, settings, platform)
    for t in threads:
        t.join()
    assert result.outcome == "ok", result.error
    assert counts(sandbox, platform) == {"issued": 2, "refreshes": 1}  # no "reused", no "refused"
    assert set(got) == {store.grant(settings.data_dir, platform, cfg.shop_id)["access_token"]}


REFRESH_IN_A_PROCESS = """
import sys, time
from pathlib import Path
from ingest.config import ChannelConfig
from ingest.platforms import PLATFORMS, connector_class
url, data_dir, current, ready, go = sys.argv[1:]
cfg = ChannelConfig("shopee", PLATFORMS["shopee"].sandbox.shop_id, url, sandbox=True, rate_per_s=1000)
connector = connector_class("shopee")(cfg, data_dir=Path(data_dir))
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.001)
connector.tokens.fresh(current)
"""


def test_two_processes_refreshing_at_once_spend_the_refresh_token_once(sandbox, settings, tmp_path) -> None:
    """Two separate interpreters (not forks of this one), released together once both are ready."""
    cfg = channel(sandbox, "shopee")
    authorize_via_sandbox(sandbox, settings, "shopee")
    old = make_due(settings, "shopee", cfg.shop_id)
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", REFRESH_IN_A_PROCESS, cfg.base_url, str(settings.data_dir),
                               old["access_token"], str(tmp_path / f"ready-{i}"), str(go)], cwd=ROOT,
                              stderr=subprocess.PIPE) for i in range(2)]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{i}").exists() for i in range(2)) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    errors = [p.communicate(timeout=60)[1].decode()[-2000:] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert counts(sandbox, "shopee") == {"issued": 2, "refreshes": 1}


@pytest.mark.parametrize("platform", EXPIRING)
def test_a_refused_refresh_pauses_the_channel_with_a_reauthorize_alert_and_no_secret(
    sandbox, settings, platform, caplog
) -> None:
    cfg = channel(sandbox, platform)
    record = authorize_via_sandbox(sandbox, settings, platform)
    requests.post(f"{sandbox.url}/_sandbox/tokens", json={"revoke": platform}, timeout=5)  # seller withdrew it
    caplog.set_level(logging.DEBUG)
    result = pull(sandbox, settings, platform)
    assert result.outcome == "paused"
    hint = f"python -m ingest authorize --channel {platform} --shop {cfg.shop_id}"
    assert hint in channel_state.pause_of(settings, platform, cfg.shop_id)["reason"]
    assert counts(sandbox, platform).get("refused") == 1
    con = connect(settings)
    try:
        note = con.sql("select note from exceptions where type = 'channel_paused'").fetchone()[0]
    finally:
        con.close()
    assert "Re-authorize the shop" in note and hint in note
    secrets_ = (record["access_token"], record["refresh_token"])
    stored = "".join(p.read_bytes().decode("latin-1") for p in settings.lake_dir.rglob("*.parquet"))
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("ingest", "models"))
    assert "could not be renewed" in ours and "would not accept the refresh token" in result.error
    assert not [s for s in secrets_ if s in ours or s in stored or s in result.error]
    assert pull(sandbox, settings, platform).outcome == "skipped_paused"


def test_the_token_file_is_not_tracked_and_holds_json(settings, tmp_path) -> None:
    store.save_grant(settings.data_dir, "shopee", "1", {"access_token": "a", "access_expires_at": "x"})
    assert json.loads(store.tokens_path(settings.data_dir).read_text())["shopee/1"]["access_token"] == "a"
    ignore = (Path(__file__).resolve().parents[2] / ".gitignore").read_text().splitlines()
    assert "data/*" in ignore and "!data/state/" not in ignore
