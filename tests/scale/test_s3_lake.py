"""The lake on a real S3-compatible server (moto, on localhost): writes, the console's queries, compaction
while readers read, and a writer SIGKILLed in the middle of an upload."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import boto3
import pyarrow.fs as pafs

from ingest.maintenance import compact_all
from models import kpis, lake
from models.db import connect
from models.settings import Settings
from tests import handmade
from tests.scale.conftest import BUCKET

ROOT = Path(__file__).resolve().parents[2]
SCOPE = kpis.Scope(date(2026, 3, 2), date(2026, 3, 2))


def objects(s3_env: dict, prefix: str) -> list[str]:
    """The bucket's keys under `prefix`, listed with the plain S3 API (not through the lake's code)."""
    client = boto3.client("s3", endpoint_url=s3_env["AWS_ENDPOINT_URL"])
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def summary(settings: Settings, materialize: bool = False) -> dict:
    db = connect(settings, materialize=materialize)
    try:
        return kpis.summary(db, SCOPE)
    finally:
        db.close()


def test_lake_on_s3_answers_like_the_local_lake(s3_settings: Settings, s3_env: dict, tmp_path: Path):
    handmade.build(s3_settings.lake_dir)
    prefix = str(s3_settings.lake_dir).removeprefix(f"s3://{BUCKET}/")
    keys = objects(s3_env, prefix)
    assert any(k.startswith(f"{prefix}/orders/month=2026-03/part-") for k in keys)
    assert all(k.endswith(".parquet") for k in keys)
    assert not (tmp_path / "lake").exists()  # nothing went to the local data dir's lake
    on_s3 = summary(s3_settings, materialize=True)  # the console's path: the mart refreshed from the bucket
    assert (on_s3["orders"], on_s3["gmv_cents"], on_s3["lead_time_median_h"]) == (5, 57200, 7.0)  # on paper
    local = Settings(data_dir=tmp_path / "local")
    handmade.build(local.data_dir / "lake")
    os.environ.pop("ORDERHUB_LAKE")
    assert summary(local) == on_s3


def test_compaction_on_s3_while_readers_read(s3_settings: Settings, s3_env: dict):
    handmade.build(s3_settings.lake_dir)
    handmade.build(s3_settings.lake_dir)  # everything twice: more files, same figures
    before = len(lake.data_files(s3_settings.lake_dir, "order_events"))
    expected = summary(s3_settings)
    seen, errors, done = [], [], threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                seen.append(summary(s3_settings))
            except Exception as exc:
                errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        compact_all()
        time.sleep(0.5)
    finally:
        done.set()
        reader.join(timeout=120)
    assert not errors, errors[:1]
    assert seen and all(s == expected for s in seen)
    assert len(lake.data_files(s3_settings.lake_dir, "order_events")) < before
    assert summary(s3_settings) == expected


WRITER = """
import os, pyarrow as pa
from models import lake
from models.settings import load_settings
n = 400_000  # incompressible notes: tens of MB, a multipart upload of several parts
rows = pa.table({"order_id": [f"big-{i}" for i in range(n)], "event_id": [f"e{i}" for i in range(n)],
                 "event": ["placed"] * n, "source": ["platform"] * n,
                 "occurred_at": pa.array([1_772_400_000_000_000] * n, pa.timestamp("us", tz="UTC")),
                 "detail": [os.urandom(48).hex() for _ in range(n)]})
lake.write(load_settings().lake_dir, "order_events", rows)
"""


def test_writer_killed_mid_upload_leaves_nothing_visible(s3_settings: Settings, s3_env: dict):
    handmade.build(s3_settings.lake_dir)
    expected = summary(s3_settings)
    prefix = str(s3_settings.lake_dir).removeprefix(f"s3://{BUCKET}/")
    keys_before = set(objects(s3_env, prefix))
    client = boto3.client("s3", endpoint_url=s3_env["AWS_ENDPOINT_URL"])
    proc = subprocess.Popen([sys.executable, "-c", WRITER], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uploading = False
    while proc.poll() is None and not uploading:  # killed once a part of the upload has reached the store
        uploads = client.list_multipart_uploads(Bucket=BUCKET, Prefix=prefix).get("Uploads", [])
        uploading = any(client.list_parts(Bucket=BUCKET, Key=u["Key"], UploadId=u["UploadId"]).get("Parts")
                        for u in uploads)
        time.sleep(0.05)
    assert uploading, "the writer finished before any part was uploaded: nothing was tested"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert set(objects(s3_env, prefix)) == keys_before  # no object, whole or half
    assert summary(s3_settings) == expected
    fs = pafs.S3FileSystem(endpoint_override=s3_env["AWS_ENDPOINT_URL"].removeprefix("http://"), scheme="http",
                           access_key="test-key", secret_key="test-secret", region="us-east-1")
    sizes = [i.size for i in fs.get_file_info(pafs.FileSelector(f"{BUCKET}/{prefix}", recursive=True))
             if i.type == pafs.FileType.File]
    assert max(sizes) < 1_000_000  # only the hand-made lake's small files
