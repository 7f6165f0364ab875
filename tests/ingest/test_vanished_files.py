"""A compaction in another process can remove a lake file between a reader's listing and its read; the pull's
own reads of the lake list again instead of failing the pull (it would wait a whole interval to retry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import pipeline
from models import corrections, lake
from models.settings import Settings


def _one_vanished_listing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """The first listing of any table also names a file that is gone (as compaction leaves it); later ones are
    true. Returns the list of listings made."""
    real, calls = lake.data_files, []

    def listed(lake_dir: Path, table: str) -> list[Path]:
        calls.append(1)
        files = real(lake_dir, table)
        if len(calls) == 1 and files:
            gone = files[0].with_name("part-removed-by-compaction.parquet")
            return [gone, *files]
        return files
    monkeypatch.setattr(lake, "data_files", listed)
    return calls


def test_known_versions_lists_the_lake_again(handmade_lake: Settings, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path):
    expected = pipeline.known_versions(handmade_lake, "shopee", "s1")
    assert set(expected) == {"OH-A", "OH-F"}  # shop s1's two orders (tests/handmade.py)
    calls = _one_vanished_listing(monkeypatch, tmp_path)
    assert pipeline.known_versions(handmade_lake, "shopee", "s1") == expected
    assert len(calls) == 2


def test_kept_corrections_list_the_lake_again(handmade_lake: Settings, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path):
    orders = [f"OH-{c}" for c in "ABCDEFG"]
    expected = corrections._latest_corrections(handmade_lake.lake_dir, orders)
    calls = _one_vanished_listing(monkeypatch, tmp_path)
    assert corrections._latest_corrections(handmade_lake.lake_dir, orders) == expected
    assert len(calls) == 2  # the read of the vanished file failed and the lake was listed again
