"""The webhook receiver `ingest serve` runs: POST /events/<source> with a signed JSON body.

    receiver = Receiver(settings).start()     # its own port (settings.webhook_port, default 8766)
    ...
    receiver.stop()                           # stops listening, then writes what it acknowledged

Answers, each with a JSON `{"error": ..., "reason": ...}` or `{"accepted": n}`:
200 accepted (a replay or duplicate too: stored once), 400 malformed (the reason names the field; nothing
of the delivery is kept), 401 bad or old signature, 404 unknown source, 411 no length, 413 too large.
An accepted delivery is on disk (the spool) before the 200; a flusher thread writes the spool to the lake
in batches every `flush_s`, so the sender never waits for the lake. Refusals are logged with the source,
status and reason; secrets and bodies never are.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ingest.events.record import BadEvent, events_in, parse
from ingest.events.signature import HEADER, BadSignature, verify
from ingest.events.sources import EventSource, carrier_codes, load_sources
from ingest.events.spool import Spool
from ingest.events.store import store
from ingest.state import state_dir
from models.settings import Settings

log = logging.getLogger(__name__)
PREFIX = "/events/"


class Refusal(Exception):
    def __init__(self, status: int, error: str, reason: str):
        super().__init__(reason)
        self.status, self.error, self.reason = status, error, reason


class Receiver:
    """HTTP server + spool + flusher; `port=0` picks a free port (tests)."""

    def __init__(self, settings: Settings, *, port: int | None = None, flush_s: float = 2.0,
                 sources: dict[str, EventSource] | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        """`now`: the clock events are received and the rules run by (the scheduler's, in tests a sandbox's)."""
        self.settings, self.flush_s, self.now = settings, flush_s, now
        self.sources = sources if sources is not None else load_sources(settings)
        self.codes = carrier_codes(settings)
        self.spool = Spool(state_dir(settings.data_dir) / "webhook-spool")
        self.httpd = ThreadingHTTPServer((settings.webhook_bind, settings.webhook_port if port is None else port),
                                         _handler(self))
        self.httpd.daemon_threads = True
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._flush_lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Receiver:
        self.flush()  # what a killed receiver acknowledged but had not written yet
        for target, name in ((self.httpd.serve_forever, "webhook-http"), (self._flusher, "webhook-flush")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("webhook receiver on %s%s<source> (%s)", self.url, PREFIX, ", ".join(self.sources) or "no sources")
        return self

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=30)
        self.flush()

    def _flusher(self) -> None:
        while not self._stop.wait(self.flush_s):
            try:
                self.flush()
            except Exception:  # the spool keeps the batch; the next round tries again
                log.exception("webhook flush failed; the events stay in the spool")

    def flush(self) -> int:
        """Write every acknowledged event to the lake now; returns how many were handed to the store."""
        with self._flush_lock:
            return self.spool.drain(lambda records: store(self.settings, records, at=self.now()))

    def accept(self, path: str, headers: Any, body: bytes) -> int:
        """Check one delivery and spool its events; Refusal says why not. Returns the count accepted."""
        source = self.sources.get(path.removeprefix(PREFIX)) if path.startswith(PREFIX) else None
        if source is None or not source.enabled:
            raise Refusal(404, "unknown_source", f"no event source at {path[:80]}; configured: "
                                                 f"{', '.join(PREFIX + s for s in self.sources)}")
        try:
            verify(headers.get(HEADER), body, source.secret("webhook_secret"),
                   tolerance_s=self.settings.webhook_tolerance_s)
        except BadSignature as exc:
            raise Refusal(401, "bad_signature", str(exc)) from None
        records = self._records(source, body)
        self.spool.append(records)
        return len(records)

    def _records(self, source: EventSource, body: bytes) -> list[dict[str, Any]]:
        try:
            events = events_in(json.loads(body.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Refusal(400, "malformed", f"body is not UTF-8 JSON: {exc}") from None
        except BadEvent as exc:
            raise Refusal(400, "malformed", str(exc)) from None
        now, out = self.now(), []
        for i, raw in enumerate(events):
            try:
                out.append(parse(raw, source=source.name, kind=source.kind, received_at=now, codes=self.codes))
            except BadEvent as exc:
                raise Refusal(400, "malformed", f"events[{i}].{exc}") from None
        return out


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            try:
                body = self._body()
                self._reply(200, {"accepted": receiver.accept(self.path, self.headers, body)})
            except Refusal as refusal:
                log.warning("webhook %s refused %d %s: %s", self.path[:80], refusal.status, refusal.error,
                            refusal.reason)
                self._reply(refusal.status, {"error": refusal.error, "reason": refusal.reason})

        def do_GET(self) -> None:
            self._reply(405, {"error": "method_not_allowed", "reason": "POST signed events to /events/<source>"})

        def _body(self) -> bytes:
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                self.close_connection = True
                raise Refusal(411, "length_required", "send a Content-Length header")
            if int(length) > receiver.settings.webhook_max_body_bytes:
                self.close_connection = True  # the body is not read: the connection cannot be reused
                raise Refusal(413, "too_large", f"body of {length} bytes is over the limit of "
                                                f"{receiver.settings.webhook_max_body_bytes}; send fewer events")
            return self.rfile.read(int(length))

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            raw = json.dumps(payload).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                if self.close_connection:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

    return Handler
