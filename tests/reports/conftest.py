"""Real servers on localhost for the delivery tests: an aiosmtpd SMTP server and an HTTP webhook receiver."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from reports import sent_log


@dataclass
class Mailbox:
    """What the SMTP server received; `refuse` maps an address to how many more times RCPT gets a 451."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)
    refuse: dict[str, int] = field(default_factory=dict)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse.get(address, 0) > 0:
            self.refuse[address] -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[tuple[list[str], EmailMessage]]:
        return [(to, message_from_bytes(raw, policy=policy.default)) for to, raw in self.messages]

    def to(self) -> list[str]:
        return [addr for to, _ in self.messages for addr in to]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp() -> tuple[Controller, Mailbox]:
    """aiosmtpd on 127.0.0.1 and a free port (its readiness check cannot use port 0)."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, box


def smtp_env(controller: Controller) -> dict[str, str]:
    return {"ORDERHUB_SMTP_HOST": "127.0.0.1", "ORDERHUB_SMTP_PORT": str(controller.port),
            "ORDERHUB_SMTP_SECURITY": "none", "ORDERHUB_SMTP_FROM": "OrderHub <reports@example.com>"}


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    controller, box = start_smtp()
    for key, value in smtp_env(controller).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sent_log, "BASE_DELAY_S", 0.01)
    yield box
    controller.stop()


@dataclass
class Receiver:
    """JSON bodies posted per path; `status` maps a path to the HTTP status to answer (default 200)."""

    bodies: dict[str, list[dict]] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    url: str = ""


@pytest.fixture
def webhook_server() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            receiver.bodies.setdefault(self.path, []).append(body)
            code = receiver.status.get(self.path, 200)
            reply = b'{"errcode": 0, "errmsg": "ok"}' if code == 200 else b'{"error": "down"}'
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield receiver
    server.shutdown()
    server.server_close()


def write_email_config(data_dir: Path, text: str) -> None:
    (data_dir / "config").mkdir(parents=True, exist_ok=True)
    (data_dir / "config" / "email.toml").write_text(text, encoding="utf-8")
