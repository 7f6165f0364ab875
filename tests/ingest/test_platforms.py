"""The platform registry is the single list: every platform it names is complete (one folder, a status map
section, fixtures, a shipped channel, a sandbox), no platform folder is left out of it, and every other
per-platform table is derived from it (checked by registering a new platform and finding it everywhere)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ingest.connectors.base import Connector
from ingest.normalize.status_map import SHIPPED_CONFIG_DIR, load_status_map
from ingest.platforms import PLATFORMS, UnknownPlatform, connector_class, platform
from ingest.platforms.sample import SimLine, SimOrder
from ingest.settlement_pull import PULLS
from models.channels import CHANNELS
from tests.ingest.conftest import FETCHED_AT, FIXTURES

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "ingest" / "platforms"
CODES = sorted(PLATFORMS)


def test_the_registry_lists_every_platform_folder_once() -> None:
    folders = sorted(p.name for p in FOLDER.iterdir() if (p / "__init__.py").exists())
    assert folders == CODES
    assert {"shopify", "woocommerce", "shopee", "lazada", "tiktok"} <= set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_a_platform_folder_holds_its_connector_normalizer_and_sandbox_shapes(code: str) -> None:
    declared = PLATFORMS[code]
    expiring = ["auth.py"] if declared.connector.auth_class is not None else []  # tokens that expire
    payouts = [PULLS[code].__name__.rsplit(".", 1)[1] + ".py"] if code in PULLS else []  # a payout API
    assert sorted(p.name for p in (FOLDER / code).glob("*.py")) == sorted([
        "__init__.py", "connector.py", "normalize.py", "sandbox.py", "stock.py", *expiring, *payouts
    ])
    assert declared.code == code
    assert issubclass(declared.connector, Connector) and declared.connector.platform == code
    assert declared.connector.__module__ == f"ingest.platforms.{code}.connector"
    assert declared.normalizer.__name__ == f"ingest.platforms.{code}.normalize"
    assert code == declared.normalizer.PLATFORM
    assert declared.channel is CHANNELS[code]  # display names and colour for the console


@pytest.mark.parametrize("code", CODES)
def test_every_declared_status_is_in_the_shipped_status_map(code: str) -> None:
    smap = load_status_map(SHIPPED_CONFIG_DIR)
    assert code in smap.sections
    assert {stage: smap.lookup(code, raw) for stage, raw in PLATFORMS[code].statuses.items()} == {
        stage: stage for stage in PLATFORMS[code].statuses
    }


@pytest.mark.parametrize("code", CODES)
def test_recorded_fixtures_and_normalizer_tests_exist(code: str) -> None:
    files = sorted((FIXTURES / code).glob("*.json"))
    assert files, f"tests/fixtures/{code}/ holds no recorded response"
    assert (ROOT / "tests" / "ingest" / f"test_normalize_{code}.py").exists()
    normalizer = PLATFORMS[code].normalizer
    orders = normalizer.orders_in_response(json.loads(files[-1].read_text(encoding="utf-8")))
    rows = [normalizer.normalize(o, shop_id="s", fetched_at=FETCHED_AT, batch_id="b") for o in orders]
    assert rows and all(r.order["channel"] == code for r in rows)


@pytest.mark.parametrize("code", CODES)
def test_the_shipped_channels_file_points_each_platform_at_the_sandbox(code: str) -> None:
    shipped = tomllib.loads((SHIPPED_CONFIG_DIR / "channels.toml").read_text(encoding="utf-8"))["channel"]
    (entry,) = [c for c in shipped if c["channel"] == code]
    sandbox = PLATFORMS[code].sandbox
    assert entry["shop_id"] == sandbox.shop_id and entry["sandbox"] is True
    assert entry["base_url"].endswith(f"8765{sandbox.api_root}")
    assert set(PLATFORMS[code].connector.credential_names) == set(sandbox.credentials) == set(entry["credentials"])


@pytest.mark.parametrize("code", CODES)
def test_the_sandbox_renders_an_order_the_normalizer_reads_back(code: str) -> None:
    declared = PLATFORMS[code]
    sim = SimOrder("10001", declared.sandbox.shop_id, "USD", "12.50", FETCHED_AT, stage="to_ship", paid=FETCHED_AT,
                   lines=[SimLine("SKU-1", "Tea", 1, "12.50")])
    order = declared.render(sim)
    assert declared.sandbox.drift_field in order  # the `drift` fault has this field to rename
    assert len(declared.normalizer.orders_in_response(declared.sandbox.list_body([order]))) == 1
    row = declared.normalizer.normalize(order, shop_id="s", fetched_at=FETCHED_AT, batch_id="b").order
    assert (row["platform_order_id"], row["status"]) == ("10001", "to_ship")


def test_unknown_codes_name_the_known_ones() -> None:
    with pytest.raises(UnknownPlatform, match=re.escape("known: " + ", ".join(CODES))):
        platform("tmall")
    assert platform("Shopee") is PLATFORMS["shopee"]
    with pytest.raises(Exception, match="no API connector for channel 'tmall'"):
        connector_class("tmall")


# A sixth platform, registered at run time as a copy of Shopify: every derived table must pick it up.
NEW_PLATFORM = """
import dataclasses, ingest.platforms as reg
shopify = reg.PLATFORMS["shopify"]
reg.PLATFORMS["acme"] = dataclasses.replace(
    shopify, code="acme", sandbox=dataclasses.replace(shopify.sandbox, shop_id="acme-1", drift_field="acme_at"))
from ingest.config import ChannelConfig
from ingest.normalize import registry
from sim.sandbox import apis, faults, market, payloads
print(json.dumps({
    "normalizers": "acme" in registry.PLATFORMS,
    "connector": reg.connector_class("acme").__name__,
    "market": "acme" in market.PLATFORMS and market.SHOP_IDS["acme"] == "acme-1",
    "credentials": apis.CREDS["acme"] == dict(shopify.sandbox.credentials),
    "throttled": apis.THROTTLED["acme"] == shopify.sandbox.throttled,
    "drift": faults.DRIFT_FIELDS["acme"],
    "stages": payloads.STAGES["acme"] == shopify.stages,
    "demo_credential": ChannelConfig("acme", "acme-1", "http://x", sandbox=True).credential("access_token"),
}))
"""


def test_every_per_platform_table_derives_from_the_registry() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + NEW_PLATFORM],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    assert json.loads(out) == {
        "normalizers": True,
        "connector": "ShopifyConnector",
        "market": True,
        "credentials": True,
        "throttled": True,
        "drift": "acme_at",
        "stages": True,
        "demo_credential": "shpat_sandbox_demo_token",
    }


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["ingest", "models"])
def test_no_module_of_ingest_or_models_imports_the_simulators(package: str) -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / package).rglob("*.py") if "sim" in _imports(p)]
    assert offenders == []


def test_the_sandbox_serves_exactly_the_endpoints_each_connector_declares() -> None:
    from sim.sandbox.apis import Api, Req
    from sim.sandbox.market import Clock, Market

    api = Api(Market(Clock(FETCHED_AT), orders_per_platform=1))
    for code, declared in PLATFORMS.items():
        for stream in declared.connector.endpoints():
            path = declared.sandbox.api_root + stream.path.format(api_version="2024-10")
            routed = api.route(Req(stream.method, path, {}, {}))
            assert routed is not None and routed[0] == code, (code, path)
            other = "POST" if stream.method == "GET" else "GET"
            assert api.route(Req(other, path, {}, {})) is None
    assert api.route(Req("GET", "/admin/api/2024-10/customers.json", {}, {})) is None
