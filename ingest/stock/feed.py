"""Pull a warehouse's stock feed on the shared HTTP client: counts and movements, cursor-paged.

    pull_stock(settings, feed)      # the `stock:<name>` job of `ingest serve`

Feeds are `[[feed]]` entries of `<data>/config/stock_feeds.toml`:

    [[feed]]
    name = "wms"
    base_url = "http://127.0.0.1:8765/wms/v1"     # GET <base_url>/stock/movements?cursor=&limit=
    api_key = "ORDERHUB_WMS_API_KEY"              # an environment variable name, never the value
    sandbox = true                                # the sandbox's published demo key when the variable is unset

The answer is `{"records": [...], "next_cursor": "...", "has_more": bool}`; a record is a count
(`type = "count"`, `on_hand`, optional `safety_stock`) or a movement (`kind`, signed `qty`), each with
`id`, `sku`, `warehouse` and `occurred_at` (docs/inventory.md). The cursor is kept in
`<data>/state/stock_cursors.json` and moves only after a page is stored; a record served twice writes
the same row (ids come from the feed's own id). A bad record is logged and skipped, never the page.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.connectors.paginators import CursorPaginator
from ingest.events.sources import SANDBOX_SECRETS
from ingest.http import HttpClient
from ingest.state import read_json, state_dir, update_json
from models.config_check import ConfigError, read_toml
from models.inventory.stock import MOVEMENT_KINDS, record_counts, record_movements
from models.settings import Settings

log = logging.getLogger(__name__)
KEYS = {"name", "base_url", "api_key", "sandbox", "interval_minutes", "page_size", "enabled"}


@dataclass(frozen=True)
class StockFeed:
    name: str
    base_url: str
    api_key: str | None = None  # the environment variable holding the key
    sandbox: bool = False
    interval_minutes: float = 10
    page_size: int = 200
    enabled: bool = True

    def key(self) -> str:
        if self.api_key and os.environ.get(self.api_key):
            return os.environ[self.api_key]
        if self.sandbox:
            return SANDBOX_SECRETS["wms"]["api_key"]
        raise ConfigError(f"stock feed {self.name}: api_key missing (environment variable "
                          f"{self.api_key or '(none configured)'} is not set)")


@dataclass
class StockRun:
    pages: int = 0
    counts: int = 0
    movements: int = 0
    skipped: list[str] = field(default_factory=list)


def load_feeds(settings: Settings) -> list[StockFeed]:
    path = settings.config_dir / "stock_feeds.toml"
    feeds = []
    for i, entry in enumerate(read_toml(path).get("feed", []), start=1):
        unknown = sorted(set(entry) - KEYS)
        if unknown or not entry.get("name") or not entry.get("base_url"):
            raise ConfigError(f"{path}: [[feed]] #{i}: needs name and base_url; unknown key(s): "
                              f"{', '.join(unknown) or 'none'} (valid: {', '.join(sorted(KEYS))})")
        feeds.append(StockFeed(**entry))
    return feeds


def _when(value: Any) -> datetime:
    at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError(f"occurred_at {value!r} has no time zone")
    return at.astimezone(UTC)


def _split(records: list[Any], run: StockRun) -> tuple[list[dict], list[dict]]:
    """Counts and movements of a page as rows for models.inventory.stock; bad records go to run.skipped."""
    counts, moves = [], []
    for raw in records:
        try:
            base = {"sku": str(raw["sku"]), "warehouse": str(raw["warehouse"]), "ref": str(raw["id"])}
            at = _when(raw["occurred_at"])
            if raw.get("type") == "count":
                counts.append({**base, "on_hand": int(raw["on_hand"]), "snapshot_at": at,
                               "safety_stock": raw.get("safety_stock")})
            elif raw.get("kind") in MOVEMENT_KINDS:
                moves.append({**base, "kind": raw["kind"], "qty": int(raw["qty"]), "occurred_at": at})
            else:
                raise ValueError(f"type {raw.get('type')!r} / kind {raw.get('kind')!r} is not a count or movement")
        except (KeyError, TypeError, ValueError) as exc:
            run.skipped.append(f"record {raw.get('id') if isinstance(raw, dict) else raw!r}: {exc}")
            log.warning("stock feed: skipped a record: %s", run.skipped[-1])
    return counts, moves


def pull_stock(settings: Settings, feed: StockFeed, client: HttpClient | None = None) -> StockRun:
    """Read the feed from the stored cursor to its end, storing each page before moving the cursor."""
    own = client is None
    client = client or HttpClient(rate_per_s=5, timeout=(5, 30), max_retries=4, backoff_base_s=0.5,
                                  secrets=[feed.key()])
    path, run = state_dir(settings.data_dir) / "stock_cursors.json", StockRun()
    cursor = read_json(path).get(feed.name)
    pages = CursorPaginator(lambda body: body.get("next_cursor"), lambda body: bool(body.get("has_more")))
    try:
        while True:
            params = {"limit": feed.page_size, **({"cursor": cursor} if cursor else {})}
            body = client.get_json("GET", feed.base_url.rstrip("/") + "/stock/movements", params=params,
                                   headers={"X-Api-Key": feed.key()}).body
            records = body.get("records") or []
            counts, moves = _split(records, run)
            run.counts += record_counts(settings.lake_dir, counts, source=feed.name)
            run.movements += record_movements(settings.lake_dir, moves, source=feed.name)
            run.pages += 1
            cursor = body.get("next_cursor") or cursor
            update_json(path, lambda state, c=cursor: state.update({feed.name: c}))
            if pages.advance(body, {}, len(records)) is None:
                return run
    finally:
        if own:
            client.close()
