"""Paused feeds: which channel/shop pulls are stopped, and the one way to start one again.

    channel_state.pause(settings, "tiktok", "7000001", reason, run_id, at)   # ingest, past the failure limit
    channel_state.resume(settings, user, "tiktok", "7000001")                 # the Channels page's button

Ingest pauses a feed after too many payloads fail normalization; only a person starts it again. Resuming
needs the `triage` permission and an access covering the whole feed (it brings every warehouse's orders),
checked here so no caller can skip it, and is recorded through the one audit writer (`models.actions`).
The state is `<data>/state/paused.json` (`models.state_files`), not the lake: ingest reads it before each pull.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models import actions
from models.access import AccessDenied
from models.auth import User
from models.settings import Settings
from models.state_files import read_json, state_dir, update_json

RESUME_PERMISSION = "triage"


def _problem_path(data_dir: Path) -> Path:
    return state_dir(data_dir) / "channels_config.json"


def record_config_problem(settings: Settings, problem: str | None) -> None:
    """What ingest met the last time it read channels.toml (None: it read cleanly), for the Channels page:
    the console shows the file, key and closest name instead of a traceback, without parsing ingest's config."""
    def change(value: dict[str, Any]) -> None:
        value.clear()
        if problem:
            value["problem"] = problem

    update_json(_problem_path(settings.data_dir), change)


def config_problem(settings: Settings) -> str | None:
    return read_json(_problem_path(settings.data_dir)).get("problem")


def channel_key(channel: str, shop_id: str) -> str:
    return f"{channel}/{shop_id}"


def _path(data_dir: Path) -> Path:
    return state_dir(data_dir) / "paused.json"


def paused(settings: Settings) -> dict[str, dict[str, Any]]:
    """Every paused feed by 'channel/shop': since (ISO UTC), reason, run_id."""
    return read_json(_path(settings.data_dir))


def pause_of(settings: Settings, channel: str, shop_id: str) -> dict[str, Any] | None:
    """The feed's pause, or None when it pulls."""
    return paused(settings).get(channel_key(channel, shop_id))


def pause(settings: Settings, channel: str, shop_id: str, reason: str, run_id: str, at: datetime) -> None:
    """Stop a feed until someone resumes it (ingest, past its failure limit)."""
    def change(value: dict[str, Any]) -> None:
        value[channel_key(channel, shop_id)] = {"since": at.astimezone(UTC).isoformat(), "reason": reason,
                                                "run_id": run_id}

    update_json(_path(settings.data_dir), change)


def may_resume(user: User | None, channel: str, shop_id: str) -> bool:
    """Triage permission and an access that covers the whole feed (no warehouse limit)."""
    return user is not None and user.can(RESUME_PERMISSION) and user.access.covers_feed(channel, shop_id)


def resume(settings: Settings, user: User | None, channel: str, shop_id: str,
           reason: str = "resumed from the console") -> bool:
    """Start a paused feed again and record who did it; False when it was no longer paused (nothing written).

    Raises AccessDenied (a PermissionError) when `may_resume` says no, before anything is read or changed."""
    if not may_resume(user, channel, shop_id):
        raise AccessDenied(f"resuming {channel_key(channel, shop_id)} needs the {RESUME_PERMISSION!r} permission "
                           "and an access covering the whole feed; ask an ops user or an admin")
    before: dict[str, Any] = {}

    def change(value: dict[str, Any]) -> None:
        before.update(value.pop(channel_key(channel, shop_id), None) or {})

    update_json(_path(settings.data_dir), change)
    if not before:
        return False
    actions.record(settings.lake_dir, user, "resume_channel", "channel", channel_key(channel, shop_id),
                   before=before, after={"paused": False}, reason=reason)
    return True
