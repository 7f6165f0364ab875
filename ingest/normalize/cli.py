"""`python -m ingest normalize --platform P FILE.json [--items ITEMS.json] [--shop S] [--explain]`.

What a saved response yields. Lazada keeps currency, status and SKUs on the items, which another call
returns (/orders/items/get or /order/items/get): save that response too and pass it with --items.

Prints one JSON line per order: the canonical order row with its `lines`, `events` and `exceptions`
nested (and, with --explain, `explain`: canonical field → raw JSON path). Meant for checking a new
platform payload or a status-map change before anything reaches the lake; it writes nothing.
Exit codes: 0 all orders normalized, 1 some orders rejected (listed on stderr), 2 nothing usable
(unknown platform, unreadable file, invalid JSON, a response without orders).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.normalize.base import BadRecord, NormalizedOrder, ResponseShapeError
from ingest.normalize.registry import PLATFORMS, UnknownPlatform, module_for
from models.settings import ConfigError


class CliError(Exception):
    """A problem that stops the command; printed as one line, exit code 2."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value


def to_json(result: NormalizedOrder, *, explain: bool) -> str:
    """The order row with lines, events and exceptions nested, as one JSON line."""
    doc: dict[str, Any] = {k: _jsonable(v) for k, v in result.order.items()}
    doc["lines"] = [{k: _jsonable(v) for k, v in row.items()} for row in result.lines]
    doc["events"] = [{k: _jsonable(v) for k, v in row.items()} for row in result.events]
    doc["exceptions"] = [{k: _jsonable(v) for k, v in row.items()} for row in result.exceptions]
    if explain:
        doc["explain"] = result.explain
    return json.dumps(doc, ensure_ascii=False, sort_keys=False)


def _read(path: Path) -> tuple[Any, str, datetime]:
    try:
        data = path.read_bytes()
        fetched_at = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError as exc:
        raise CliError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    try:
        body = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{path}: not valid JSON ({exc})") from exc
    return body, "file-" + hashlib.sha256(data).hexdigest()[:12], fetched_at


def _with_items(module: Any, platform: str, orders: list[dict], items: Path) -> list[dict]:
    """Each order with its items merged from the saved items response (platforms that split them)."""
    merge = getattr(module, "with_items", None)
    if merge is None:
        raise CliError(f"{items}: --items is for platforms whose items come from another call; {platform} has none")
    body = _read(items)[0]
    return [merge(order, body) for order in orders]


def run(
    platform: str, path: Path, *, shop: str, explain: bool, out: Any = sys.stdout, items: Path | None = None
) -> int:
    """Normalize every order in the file (with its items from `items`); returns the exit code."""
    try:
        module = module_for(platform)
    except UnknownPlatform as exc:
        raise CliError(str(exc)) from exc
    body, batch_id, fetched_at = _read(path)
    try:
        orders = module.orders_in_response(body)
    except ResponseShapeError as exc:
        raise CliError(f"{path}: {exc}") from exc
    if not orders:
        raise CliError(f"{path}: the {platform} response holds no orders")
    if items is not None:
        orders = _with_items(module, platform, orders, items)
    rejected = 0
    for payload in orders:
        try:
            result = module.normalize(payload, shop_id=shop, fetched_at=fetched_at, batch_id=batch_id)
        except BadRecord as exc:
            rejected += 1
            print(f"rejected: {exc}", file=sys.stderr)
            continue
        print(to_json(result, explain=explain), file=out)
    return 1 if rejected else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest normalize", description=__doc__.splitlines()[0])
    parser.add_argument("--platform", required=True, help=f"one of {', '.join(sorted(PLATFORMS))}")
    parser.add_argument("file", type=Path, help="a saved API response (JSON)")
    parser.add_argument(
        "--items", type=Path, help="the saved items response for those orders (Lazada: /orders/items/get)"
    )
    parser.add_argument("--shop", default="default", help="shop id the orders belong to (part of order_id)")
    parser.add_argument(
        "--explain", action="store_true", help="show the raw JSON path of each canonical field"
    )
    args = parser.parse_args(argv[1:])
    try:
        return run(args.platform, args.file, shop=args.shop, explain=args.explain, items=args.items)
    except (CliError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
