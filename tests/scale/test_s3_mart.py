"""The facts mart shared through the bucket (models/mart_bucket.py) on a real S3-compatible server (moto):
a second machine, with its own empty data folder, builds on the first one's mart instead of the whole lake."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pandas as pd

from models import facts_mart, mart_bucket
from models.db import connect
from models.settings import Settings
from tests import handmade
from tests.models.test_facts_mart import ingest_batch
from tests.scale.conftest import BUCKET
from tests.scale.test_s3_lake import objects


def committed(s3_env: dict, prefix: str, generation: int) -> dict:
    """A manifest generation as the plain S3 API reads it (not through the code under test)."""
    client = boto3.client("s3", endpoint_url=s3_env["AWS_ENDPOINT_URL"])
    key = f"{prefix}/_marts/order_facts/manifest-{generation:012d}.json"
    return json.loads(client.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def facts(settings: Settings, materialize: bool) -> pd.DataFrame:
    db = connect(settings, materialize=materialize)
    try:
        return db.con.execute("select * from order_facts order by order_id").df()
    finally:
        db.close()


def test_a_second_machine_uses_the_mart_in_the_bucket(s3_settings: Settings, s3_env: dict, tmp_path: Path):
    handmade.build(s3_settings.lake_dir)
    facts_mart.refresh(s3_settings)  # machine A
    prefix = str(s3_settings.lake_dir).removeprefix(f"s3://{BUCKET}/")
    first = committed(s3_env, prefix, 1)
    assert (first["mode"], first["rows"]) == ("full", 7)  # the hand-made lake's seven orders
    in_bucket = {k.rsplit("/", 1)[1] for k in objects(s3_env, f"{prefix}/_marts/order_facts/")}
    assert in_bucket == {"manifest-000000000001.json", *first["parts"].values(), *first["keys"].values(),
                         *first["quality"].values(), *first["exceptions"].values()}  # all travel with the parts

    other = Settings(data_dir=tmp_path / "machine-b")  # machine B: no mart of its own, the same lake
    ingest_batch(other)
    facts_mart.refresh(other)
    second = committed(s3_env, prefix, 2)
    # incremental: B started from A's mart (with no mart of its own it would have built the 8 orders in full)
    assert (second["mode"], second["recomputed"], second["rows"]) == ("incremental", 6, 8)
    assert second["parts"]["2026-03-02"] != first["parts"]["2026-03-02"]

    again = facts_mart.refresh(s3_settings)  # A takes B's mart from the bucket: nothing left to compute
    assert sorted(p.name for p in again.facts) == sorted(second["parts"].values())
    pd.testing.assert_frame_equal(facts(s3_settings, materialize=True), facts(s3_settings, materialize=False))
    stale = mart_bucket.publish(s3_settings.lake_dir, facts_mart.mart_dir(s3_settings), first, set(), 1, 600)
    assert not stale  # generation 2 is taken: a writer that pulled generation 1 cannot commit over B's mart
    assert committed(s3_env, prefix, 2) == second
