"""Browser fixtures: one console over the hand-made lake per session, a fresh Chromium page per test.

Screenshots go to test-artifacts/screenshots/ (kept by CI as artifacts); `--screenshots-to DIR` copies the
README's screenshots there as well (`make screenshots`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from models import lake
from models.auth import add_user
from models.settings import Settings
from tests import handmade
from tests.browser.server import CHROMIUM_ARGS, ROOT, console

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
# Two shared cores: a page with charts can take well over the default 5 s to render.
expect.set_options(timeout=30_000)


PASSWORD = "browser-test-pass-1"  # test users only, in a temporary data dir
USERS = {"viewer": "test.viewer", "ops": "test.ops", "admin": "test.admin"}


def browser_data(data_dir: Path) -> Path:
    """The hand-made lake, a pull per channel and two return lines (so Channels and Returns have figures),
    and the three test users."""
    settings = Settings(data_dir=data_dir)
    handmade.build(settings.lake_dir)
    lake.write(settings.lake_dir, "channel_runs", [
        {"run_id": f"R-{c}", "channel": c, "shop_id": shop, "started_at": handmade.local(3, 8),
         "finished_at": handmade.local(3, 8, 1), "pages": 2, "fetched": 40, "new": 3, "updated": 1,
         "rejected": 0, "quarantined": 0, "http_errors": 0, "outcome": "ok", "watermark": handmade.local(3, 8)}
        for c, shop in (("shopee", "s1"), ("tmall", "t1"))])
    lake.write(settings.lake_dir, "returns", [
        {"return_id": "RT-A", "line_no": 1, "order_id": "OH-A", "sku": "SKU-1", "category": "apparel",
         "reason_code": "size_too_small", "qty": 2, "requested_at": handmade.local(2, 19)},
        {"return_id": "RT-E", "line_no": 1, "order_id": "OH-E", "sku": "SKU-2", "category": "home",
         "reason_code": "damaged_in_transit", "qty": 1, "requested_at": handmade.local(2, 21)}])
    for role, name in USERS.items():
        add_user(name, role, PASSWORD, settings)
    return data_dir


@pytest.fixture(scope="session")
def browser_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return browser_data(tmp_path_factory.mktemp("browser-lake"))


@pytest.fixture(scope="session")
def console_url(browser_lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with console(browser_lake, tmp_path_factory.mktemp("logs") / "streamlit.log") as url:
        yield url


@pytest.fixture
def own_console(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A console over a lake of this test's own (for tests that write to it): (url, data dir)."""
    data_dir = browser_data(tmp_path / "data")
    with console(data_dir, tmp_path / "streamlit.log") as url:
        yield url, data_dir


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: run `make system-deps` (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


@pytest.fixture
def shoot(request: pytest.FixtureRequest):
    """shoot(page, name): save a full-page screenshot as an artifact (and to --screenshots-to)."""
    extra = request.config.getoption("--screenshots-to")

    def _shoot(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(extra) / path.name)
        return path

    return _shoot


def login(page: Page, url: str, role: str) -> None:
    """Open `url` and sign in through the login form as the test user of `role`."""
    page.goto(url)
    page.get_by_role("textbox", name="User name").fill(USERS[role])
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('[data-testid="stSidebarNav"]')
