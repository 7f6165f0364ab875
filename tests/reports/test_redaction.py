"""Secrets in webhook URLs never reach stderr, a log line or a stored error; old rows are cleaned once."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest import maintenance
from models import lake
from models.db import connect
from models.redact import RedactingFilter, redact
from reports import alerts, sent_log
from tests.handmade import local
from tests.reports.conftest import free_port, write_email_config

ROOT = Path(__file__).resolve().parents[2]
PATH_TOKEN, QUERY_TOKEN = "a1b2c3d4e5f6robotpathtoken", "q9w8e7r6t5querytoken"
CONFIG = """
[[webhooks]]
name = "robot"
preset = "dingtalk"
url_env = "HOOK_ROBOT"
"""


@pytest.fixture
def echo_server():
    """A robot endpoint that refuses every post with 403 and quotes the request line, as some gateways do."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            reply = f'{{"errcode": 310000, "errmsg": "refused POST {self.path}"}}'.encode()
            self.send_response(403)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _secret_url(base: str) -> str:
    return f"{base}/robot/{PATH_TOKEN}/send?access_token={QUERY_TOKEN}&lang=en"


def _failed_run(settings) -> None:
    lake.write(settings.lake_dir, "channel_runs", [{
        "run_id": "R1", "channel": "jd", "shop_id": "j1", "started_at": local(2, 13), "outcome": "failed",
        "error": "HTTP 401 from jd"}])


def _stored_errors(settings) -> list[str]:
    db = connect(settings)
    try:
        return [e for (e,) in db.con.execute("select error from deliveries where error is not null").fetchall()]
    finally:
        db.close()


def test_refused_webhook_leaves_no_token_in_stderr_or_lake(handmade_lake, echo_server):
    _failed_run(handmade_lake)
    write_email_config(handmade_lake.data_dir, CONFIG)
    env = {**os.environ, "ORDERHUB_DATA": str(handmade_lake.data_dir), "HOOK_ROBOT": _secret_url(echo_server)}
    done = subprocess.run([sys.executable, "-m", "reports.alerts"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "alert failed:jd/j1 to robot failed" in done.stderr  # the failure is logged ...
    errors = _stored_errors(handmade_lake)
    assert len(errors) == 1 and "HTTP 403" in errors[0] and "/robot/***" in errors[0]  # ... and stored
    for text in (done.stdout, done.stderr, *errors):
        assert PATH_TOKEN not in text and QUERY_TOKEN not in text


def test_unreachable_webhook_leaves_no_token_in_log_or_lake(handmade_lake, monkeypatch, caplog):
    _failed_run(handmade_lake)
    write_email_config(handmade_lake.data_dir, CONFIG)
    monkeypatch.setenv("HOOK_ROBOT", _secret_url(f"http://127.0.0.1:{free_port()}"))  # nobody listens there
    monkeypatch.setattr(sent_log, "BASE_DELAY_S", 0.01)
    with caplog.at_level(logging.ERROR):
        result = alerts.check_and_deliver(handmade_lake, now=local(2, 13, 5))
    assert result.deliveries == {"failed:jd/j1 → robot": "failed"}
    errors = _stored_errors(handmade_lake)
    assert len(errors) == 1 and "ConnectionError" in errors[0]
    for text in (caplog.text, *errors):
        assert PATH_TOKEN not in text and QUERY_TOKEN not in text


@pytest.mark.parametrize(("text", "secret"), [
    ("POST https://oapi.dingtalk.com/robot/send?access_token=9f8e7d6c5b4a&timestamp=1", "9f8e7d6c5b4a"),
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7d1c-4b2e", "693a91f6-7d1c-4b2e"),
    ("https://hooks.slack.com/services/T0001/B0002/XXXXXXXXsecretXXXX", "XXXXXXXXsecretXXXX"),
    ("https://open.feishu.cn/open-apis/bot/v2/hook/0c1d2e3f-aaaa", "0c1d2e3f-aaaa"),
    ("Max retries exceeded with url: /robot/tok3n-in-path/send?sign=s1gnature (Caused by x)", "tok3n-in-path"),
    ("Max retries exceeded with url: /robot/tok3n-in-path/send?sign=s1gnature (Caused by x)", "s1gnature"),
    ("headers {'Authorization': 'Bearer eyJhbGciOi.payload', 'Accept': 'json'}", "eyJhbGciOi"),
    ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
    ("https://user:hunter2pass@example.com/api", "hunter2pass"),
    ("GET https://x/api?client_secret=abcd1234&api_key=zzz999", "abcd1234"),
    ("GET https://x/api?client_secret=abcd1234&api_key=zzz999", "zzz999"),
    ('{"password": "pa55word!", "user": "a"}', "pa55word!"),
])
def test_redact_masks_secret_shapes(text, secret):
    assert secret not in redact(text)


def test_redact_keeps_what_helps_diagnosis():
    text = 'POST https://x.example/api/orders?page=2&partner_id=7: HTTP 503 {"errcode": 300005, "errmsg": "busy"}'
    assert redact(text) == text


def test_tracebacks_in_logs_are_redacted():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    try:
        try:
            raise ConnectionError(f"cannot reach https://h/robot/{PATH_TOKEN}/send?token={QUERY_TOKEN}")
        except ConnectionError:
            log.exception("job %s failed at %s", "alerts", f"https://h/x?access_token={QUERY_TOKEN}")
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert "job alerts failed" in out and "Traceback" in out and "ConnectionError" in out
    assert PATH_TOKEN not in out and QUERY_TOKEN not in out


def test_old_rows_are_cleaned_once(handmade_lake):
    leak = f"webhook robot: ConnectionError: HTTPConnectionPool: url: /robot/{PATH_TOKEN}/send?token={QUERY_TOKEN}"
    sent_log_rows = [{"delivery_id": f"D{i}", "kind": "alert", "ref": "A1", "channel": "webhook", "target": "robot",
                      "outcome": "failed", "attempts": 3, "error": leak if i else None, "occurred_at": local(2, 9, i)}
                     for i in range(2)]
    lake.write(handmade_lake.lake_dir, "deliveries", sent_log_rows)
    lake.write(handmade_lake.lake_dir, "channel_runs", [{"run_id": "R9", "channel": "jd", "shop_id": "j1",
                                                         "started_at": local(2, 9), "outcome": "failed",
                                                         "error": f"GET https://jd/api?access_token={QUERY_TOKEN}"}])
    assert maintenance.redact_errors() == 2  # one deliveries file, one channel_runs file
    db = connect(handmade_lake)
    try:
        errors = db.con.execute("select error from deliveries order by delivery_id").fetchall()
        run_error = db.con.execute("select error from channel_runs where run_id = 'R9'").fetchone()[0]
    finally:
        db.close()
    assert errors == [(None,), ("webhook robot: ConnectionError: HTTPConnectionPool: url: /robot/***?token=***",)]
    assert run_error == "GET https://jd/api?access_token=***"
    assert maintenance.redact_errors() == 0  # idempotent: clean files are left alone
    assert not list(handmade_lake.lake_dir.glob("*/month=*/.tmp-*"))
