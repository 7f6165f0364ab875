"""Pull connectors on the shared HTTP client: a WMS events API and a carrier tracking aggregator.

    pull(settings, source)      # the `events:<name>` job of `ingest serve`

Both feeds page with a cursor: GET `<base>/events` (WMS) or `<base>/updates` (aggregator) with `cursor`
and `limit`, answering `{"events": [...], "next_cursor": "...", "has_more": bool}`, authenticated by
`X-Api-Key`. The cursor is kept in `<data>/state/event_cursors.json` and moves only after a page's
events are stored, so a crash re-reads at most one page (the store's dedupe makes that harmless). Before
polling, the aggregator is told which tracking numbers to follow (POST `<base>/trackings`): every order
with a tracking number not registered yet. An event the record check refuses is logged and skipped (one
bad record must not stop the feed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.connectors.paginators import CursorPaginator
from ingest.events.record import BadEvent, parse
from ingest.events.sources import EventSource, carrier_codes
from ingest.events.store import Stored, store
from ingest.http import HttpClient
from ingest.state import read_json, state_dir, update_json
from models.db import connect
from models.settings import Settings

log = logging.getLogger(__name__)
PATHS = {"wms": "/events", "carrier": "/updates"}


@dataclass
class PullRun:
    pages: int = 0
    fetched: int = 0
    stored: int = 0
    unmatched: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)
    registered: int = 0

    def add(self, out: Stored) -> None:
        self.stored += len(out.stored)
        self.unmatched += len(out.unmatched)
        self.duplicates += out.duplicates


def client_for(source: EventSource) -> HttpClient:
    return HttpClient(rate_per_s=5, timeout=(5, 30), max_retries=3, backoff_base_s=0.5,
                      secrets=[source.secret("api_key")])


def _cursors(settings: Settings) -> Any:
    return state_dir(settings.data_dir) / "event_cursors.json"


def register_tracking(settings: Settings, source: EventSource, client: HttpClient) -> int:
    """Tell the aggregator about every tracking number it does not follow yet; returns how many."""
    path = state_dir(settings.data_dir) / f"tracking_registered_{source.name}.json"
    known = set(read_json(path).get("numbers", []))
    db = connect(settings)
    try:
        numbers = sorted({r[0] for r in db.con.execute(
            "select distinct tracking_no from lake_orders where tracking_no is not null").fetchall()} - known)
    finally:
        db.close()
    for i in range(0, len(numbers), 500):
        chunk = numbers[i:i + 500]
        client.get_json("POST", f"{source.base_url}/trackings", json_body={"tracking_numbers": chunk},
                        headers={"X-Api-Key": source.secret("api_key")})
        update_json(path, lambda state, c=chunk: state.update(numbers=sorted(set(state.get("numbers", [])) | set(c))))
    return len(numbers)


def _records(source: EventSource, events: list[Any], codes: dict[str, str], run: PullRun,
             now: datetime) -> list[dict]:
    out = []
    for raw in events:
        try:
            out.append(parse(raw, source=source.name, kind=source.kind, received_at=now, codes=codes))
        except BadEvent as exc:
            run.skipped.append(str(exc))
            log.warning("%s: skipped an event: %s", source.name, exc)
    return out


def pull(settings: Settings, source: EventSource, client: HttpClient | None = None, *,
         now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> PullRun:
    """Read the feed from the stored cursor to its end, storing each page before moving the cursor.
    `now`: the clock events are received and the rules run by (the scheduler's)."""
    own = client is None
    client = client or client_for(source)
    run, codes = PullRun(), carrier_codes(settings)
    try:
        if source.kind == "carrier":
            run.registered = register_tracking(settings, source, client)
        cursor = read_json(_cursors(settings)).get(source.name)
        pages = CursorPaginator(lambda body: body.get("next_cursor"), lambda body: bool(body.get("has_more")))
        while True:
            params = {"limit": source.page_size, **({"cursor": cursor} if cursor else {})}
            body = client.get_json("GET", source.base_url + PATHS[source.kind], params=params,
                                   headers={"X-Api-Key": source.secret("api_key")}).body
            events = body.get("events") or []
            run.pages, run.fetched = run.pages + 1, run.fetched + len(events)
            at = now()
            run.add(store(settings, _records(source, events, codes, run, at), at=at))
            cursor = body.get("next_cursor") or cursor
            update_json(_cursors(settings), lambda state, c=cursor: state.update({source.name: c}))
            if pages.advance(body, {}, len(events)) is None:
                return run
    finally:
        if own:
            client.close()
