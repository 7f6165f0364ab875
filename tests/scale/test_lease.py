"""Leases in the lake, on a local folder and on the S3 server: one holder at a time, renewal, expiry, release."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ingest.shards import Shard
from models import lease, objectstore
from models.settings import Settings


def check_lease(lake_dir) -> None:
    clock = [1000.0]
    now = lambda: clock[0]  # noqa: E731 - a settable clock
    a = lease.acquire(lake_dir, "pull:shopee", "a", ttl_s=60, now=now)
    assert a is not None and a.generation == 1
    assert lease.acquire(lake_dir, "pull:shopee", "b", ttl_s=60, now=now) is None  # held by a
    clock[0] += 30
    assert lease.acquire(lake_dir, "pull:shopee", "a", ttl_s=60, now=now).generation == 2  # a renews
    clock[0] += 59
    assert lease.acquire(lake_dir, "pull:shopee", "b", ttl_s=60, now=now) is None  # renewed at 1030: valid to 1090
    clock[0] += 2
    b = lease.acquire(lake_dir, "pull:shopee", "b", ttl_s=60, now=now)  # a stopped renewing: b takes over
    assert b is not None and b.generation == 3
    assert lease.acquire(lake_dir, "pull:shopee", "a", ttl_s=60, now=now) is None
    assert lease.release(lake_dir, b, now=now)
    assert lease.acquire(lake_dir, "pull:shopee", "a", ttl_s=60, now=now) is not None  # free at once


def test_lease_on_a_local_lake(tmp_path: Path):
    check_lease(tmp_path / "lake")


def test_lease_on_s3(s3_settings: Settings):
    check_lease(s3_settings.lake_dir)


@pytest.mark.parametrize("where", ["local", "s3"])
def test_create_only_has_one_winner_among_racers(where: str, tmp_path: Path, request: pytest.FixtureRequest):
    lake_dir = tmp_path / "lake" if where == "local" else request.getfixturevalue("s3_settings").lake_dir
    target = lake_dir / "_leases" / "race" / "000000000001.json"
    wins: list[int] = []
    start = threading.Barrier(8)

    def race(i: int) -> None:
        start.wait()
        if objectstore.create_only(target, f"{i}".encode()):
            wins.append(i)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1
    assert target.read_bytes() == f"{wins[0]}".encode()  # the winner's content, whole


def test_shards_split_the_channels():
    channels = [f"channel-{i}" for i in range(40)]
    shares = [[c for c in channels if Shard(i, 3).includes(c)] for i in (1, 2, 3)]
    assert sorted(c for share in shares for c in share) == sorted(channels)  # each channel in exactly one share
    assert all(shares)
    with pytest.raises(ValueError, match="I/N"):
        Shard.parse("3")
    with pytest.raises(ValueError, match="between 1 and N"):
        Shard.parse("4/3")
