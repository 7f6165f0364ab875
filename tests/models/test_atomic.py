"""The one atomic-write helper: a failing write leaves the old target and no temp file, permissions are the
asked ones from the first byte, and concurrent writers of one target never mix their bytes."""

from __future__ import annotations

import stat
import threading

import pytest

from models import atomic, auth
from models.settings import load_settings


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(atomic.TEMP_PREFIX))


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "state.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OSError, match="No space"), atomic.replacing(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(b"half of the new")
        raise OSError(28, "No space left on device")
    assert target.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == []


def test_a_rename_that_fails_leaves_no_temp(tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "inside").write_text("x")  # a non-empty folder where the file should go: the rename fails
    with pytest.raises(OSError):
        atomic.write_text(target, "new")
    assert _leftovers(tmp_path) == [] and (target / "inside").read_text() == "x"


def test_the_new_content_replaces_the_old_whole(tmp_path):
    target = tmp_path / "deep" / "er" / "note.txt"
    atomic.write_text(target, "第一")
    atomic.write_text(target, "second, longer than the first")
    assert target.read_bytes() == b"second, longer than the first"
    assert _leftovers(target.parent) == []


def test_mode_is_the_asked_one_even_for_the_temp_file(tmp_path):
    target = tmp_path / "secret.toml"
    with atomic.replacing(target, mode=0o600) as tmp:
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o600  # never readable by others, not even half-written
        tmp.write_text("k = 1")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_users_toml_stays_owner_only(data_dir):
    settings = load_settings()
    auth.add_user("nina", "ops", "nina's password", settings)
    auth.set_role("nina", "viewer", settings)
    assert stat.S_IMODE(auth.users_path(settings).stat().st_mode) == 0o600
    assert auth.users(settings)["nina"]["role"] == "viewer"


def test_concurrent_writers_of_one_target_each_land_whole(tmp_path):
    target, n = tmp_path / "rules.toml", 8
    contents = [(f"writer {i} " * 20_000).encode() for i in range(n)]
    start, errors = threading.Barrier(n), []

    def write(data: bytes) -> None:
        start.wait()
        try:
            for _ in range(5):
                atomic.write_bytes(target, data)
        except OSError as exc:  # a shared temp name makes one writer's rename find no file
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in contents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_bytes() in contents  # one writer's bytes, whole
    assert _leftovers(tmp_path) == []


def test_temp_names_are_unique_and_hidden(tmp_path):
    names = {atomic.temp_path(tmp_path / "a.json").name for _ in range(1000)}
    assert len(names) == 1000
    assert all(n.startswith(atomic.TEMP_PREFIX) and n.endswith("-a.json") for n in names)
