"""One strict check for every configuration file: an unknown key is refused, with the closest valid name.

    check_keys(path, "[snapshot]", table, {"roles", "lang"})
    # data/config/email.toml: [snapshot] 'lnag' is not a known key; did you mean 'lang'? (valid: ...)

A typo must not be accepted silently (a misspelled `[status] map` quietly used the default map). Every
loader (settings, channels, rules, capacity, e-mail, status map, import profiles) calls this.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A configuration file is unreadable or holds a bad value; the message names the file and key."""


def closest(key: str, known: Iterable[str]) -> str | None:
    """The valid name a typo most likely meant, if any is close enough."""
    found = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_key(path: Path | str, where: str, key: str, known: Iterable[str], what: str = "key") -> ConfigError:
    """The error for one unknown key: file, place, key, the closest valid name, the valid names."""
    names = sorted(known)
    near = closest(key, names)
    hint = f"; did you mean {near!r}?" if near else ""
    place = f"{where} " if where else ""
    return ConfigError(f"{path}: {place}{key!r} is not a known {what}{hint} (valid: {', '.join(names)})")


def check_keys(path: Path | str, where: str, table: Iterable[str], known: Iterable[str], what: str = "key") -> None:
    """ConfigError for the first key of `table` that is not in `known` (in file order)."""
    allowed = set(known)
    for key in table:
        if key not in allowed:
            raise unknown_key(path, where, key, allowed, what)


def read_toml(path: Path) -> dict[str, Any]:
    """A config file's document; {} when it does not exist, ConfigError naming the file when unreadable."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc}); fix or remove the file") from exc
