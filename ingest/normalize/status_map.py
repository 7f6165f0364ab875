"""The editable status map: each platform's raw statuses → canonical lifecycle statuses.

    smap = load_status_map(settings.config_dir)
    smap.lookup("shopee", "READY_TO_SHIP")   # 'to_ship'
    smap.lookup("shopee", "NEW_THING")       # None: the caller keeps 'unknown' and raises an exception

It lives in `data/config/status_map.toml` so an operator can map a new platform status without a
release. Sections are platforms; `[common]` is consulted after the platform's own section (shared
Chinese seller-centre words such as '待发货'). Every target is validated against
models.lifecycle.STATUSES on load, so a typo fails at start-up, naming file, section and raw status.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from models import lifecycle
from models.channels import CHANNELS
from models.config_check import unknown_key
from models.settings import ConfigError, load_settings

FILE_NAME = "status_map.toml"
COMMON = "common"
_SEEN_MAX = 10_000  # look-ups remembered per map; odd feeds with endless distinct statuses stay bounded
SHIPPED_CONFIG_DIR = Path(__file__).resolve().parents[2] / "data" / "config"


class StatusMapError(ConfigError):
    """The status map file is unreadable or maps a raw status to a non-canonical status."""


def _key(raw: str) -> str:
    return " ".join(raw.split()).casefold()


@dataclass(frozen=True)
class StatusMap:
    """Platform → {normalised raw status → canonical status}; look-ups ignore case and extra spaces."""

    sections: dict[str, dict[str, str]]
    source: str = "<memory>"
    # Answers already given, by (platform, raw status): a feed repeats a handful of statuses per order.
    _seen: dict[tuple[str, str], str | None] = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, platform: str, raw_status: str | None) -> str | None:
        if raw_status is None:
            return None
        asked = (platform, raw_status)
        if asked in self._seen:
            return self._seen[asked]
        key = _key(raw_status)
        found = None
        for section in (platform, COMMON):
            found = self.sections.get(section, {}).get(key)
            if found is not None:
                break
        if len(self._seen) < _SEEN_MAX:
            self._seen[asked] = found
        return found

    @property
    def platforms(self) -> list[str]:
        return sorted(self.sections)


def parse_status_map(data: dict, source: str) -> StatusMap:
    """Validate a decoded TOML document; every problem names the file, section and raw status."""
    sections: dict[str, dict[str, str]] = {}
    allowed = ", ".join(lifecycle.STATUSES)
    for platform, table in data.items():
        if platform not in CHANNELS and platform != COMMON:
            raise StatusMapError(str(unknown_key(source, "", platform, [*CHANNELS, COMMON], "channel section")))
        if not isinstance(table, dict):
            raise StatusMapError(
                f'{source}: [{platform}] must be a table of "raw status" = "canonical status"'
            )
        mapped: dict[str, str] = {}
        for raw, target in table.items():
            if not isinstance(target, str) or target not in lifecycle.STATUSES:
                raise StatusMapError(
                    f"{source}: [{platform}] {raw!r} = {target!r} is not a canonical status; "
                    f"use one of {allowed}"
                )
            mapped[_key(raw)] = target
        sections[platform] = mapped
    return StatusMap(sections, source)


def load_status_map(config_dir: str | Path) -> StatusMap:
    """Read and validate `<config_dir>/status_map.toml`."""
    path = Path(config_dir) / FILE_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StatusMapError(f"{path}: cannot read status map ({exc})") from exc
    return parse_status_map(data, str(path))


@lru_cache(maxsize=1)
def default_status_map() -> StatusMap:
    """The data dir's map when it has one, else the map shipped in the repository."""
    config_dir = load_settings().config_dir
    if not (config_dir / FILE_NAME).exists():
        config_dir = SHIPPED_CONFIG_DIR
    return load_status_map(config_dir)
