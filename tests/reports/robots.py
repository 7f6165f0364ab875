"""A local DingTalk and Feishu robot for tests: checks each signature the way the platform documents it.

Written from the platforms' documents, not from reports/webhooks.py, so a sender bug cannot hide in a
shared helper:
- DingTalk 自定义机器人, 加签: POST /robot/send?access_token=…&timestamp=<ms>&sign=<urlencoded base64>; the
  string to sign is "<timestamp>\\n<secret>", HmacSHA256 keyed by the secret, base64, then URL-encoded.
  A timestamp more than an hour from the server's clock or a wrong sign: HTTP 200 with errcode 310000.
- Feishu/Lark 自定义机器人, 签名校验: POST /open-apis/bot/v2/hook/<token> with "timestamp" (s) and "sign" in
  the JSON body; sign = base64(HmacSHA256(key="<timestamp>\\n<secret>", message="")). A wrong or stale sign:
  HTTP 200 with {"code": 19021, "data": {}, "msg": "sign match fail or timestamp is not within one hour …"}.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DING_OK = {"errcode": 0, "errmsg": "ok"}
DING_BAD_SIGN = {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}
DING_BAD_TIME = {"errcode": 310000, "errmsg": "invalid timestamp"}
FEISHU_OK = {"code": 0, "data": {}, "msg": "success"}
FEISHU_BAD = {"code": 19021, "data": {}, "msg": "sign match fail or timestamp is not within one hour from current time"}
HOUR_S = 3600


@dataclass
class Robots:
    """The robots' secrets by access token, what each accepted, and the server's clock offset (s)."""

    secrets: dict[str, str] = field(default_factory=dict)
    accepted: dict[str, list[dict]] = field(default_factory=dict)
    refused: dict[str, list[dict]] = field(default_factory=dict)
    clock_offset_s: float = 0
    url: str = ""

    def now(self) -> float:
        return time.time() + self.clock_offset_s

    def dingtalk(self, query: dict[str, list[str]], body: dict) -> dict:
        token = query["access_token"][0]
        if "timestamp" not in query or "sign" not in query:
            return DING_BAD_SIGN
        stamp = query["timestamp"][0]
        if not stamp.isdigit() or abs(self.now() * 1000 - int(stamp)) > HOUR_S * 1000:
            return DING_BAD_TIME
        secret = self.secrets[token].encode("utf-8")
        mac = hmac.new(secret, stamp.encode("utf-8") + b"\n" + secret, hashlib.sha256).digest()
        return DING_OK if hmac.compare_digest(base64.b64encode(mac).decode(), query["sign"][0]) else DING_BAD_SIGN

    def feishu(self, token: str, body: dict) -> dict:
        stamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
        if not stamp.isdigit() or abs(self.now() - int(stamp)) > HOUR_S:
            return FEISHU_BAD
        key = (stamp + "\n" + self.secrets[token]).encode("utf-8")
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        return FEISHU_OK if hmac.compare_digest(expected, sign) else FEISHU_BAD

    def answer(self, path: str, body: dict) -> dict:
        parts = urlsplit(path)
        if parts.path == "/robot/send":
            query = parse_qs(parts.query)  # undoes the URL-encoding of sign, as a server does
            token, reply = query["access_token"][0], self.dingtalk(query, body)
        else:
            token = parts.path.rsplit("/", 1)[-1]
            reply = self.feishu(token, body)
        ok = reply.get("errcode", reply.get("code")) == 0
        (self.accepted if ok else self.refused).setdefault(token, []).append(body)
        return reply


@contextmanager
def robot_server(secrets: dict[str, str]) -> Iterator[Robots]:
    """DingTalk and Feishu robots on 127.0.0.1 and a free port, one per access token in `secrets`."""
    robots = Robots(secrets=dict(secrets))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            reply = json.dumps(robots.answer(self.path, body)).encode()
            self.send_response(200)  # both platforms refuse a message with HTTP 200 and a code in the body
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    robots.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield robots
    finally:
        server.shutdown()
        server.server_close()
