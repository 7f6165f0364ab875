"""The name a person reads for one of the console's keys, by the column it sits in: a channel code by its
display name, a status, exception type, event, reason, field or outcome by its catalogue label, a step
'packed→shipped' by its two event names. Tables (ui/tables.py), select options and chart categories all
use it, so a key reads the same everywhere.
"""

from __future__ import annotations

from typing import Any

from models.channels import channel_name
from models.i18n import CATALOGUE, exception_label, label
from models.lifecycle import STATUSES, status_label

# column → catalogue prefix of its values ("severity" → severity.high)
PREFIXES = {"severity": "severity", "role": "role", "reason": "reason", "reason_code": "reason",
            "resolution_code": "resolution", "resolution": "resolution", "outcome": "outcome", "event": "event",
            "from_event": "event", "to_event": "event", "field": "field", "source": "source",
            "waiting_for": "step"}
KEY_COLUMNS = {*PREFIXES, "channel", "channel_name", "status", "type", "exception_type", "stage"}


def value_name(column: str, value: Any, lg: str = "en") -> Any:
    """The name a person reads for one value of a key column; any other value as it is."""
    if not isinstance(value, str):
        return value
    if column in ("channel", "channel_name") and value.islower():
        return channel_name(value, lg)
    if column == "status":
        return status_label(value, lg) if value in STATUSES else _named("exstatus", value, lg)
    if column in ("type", "exception_type"):
        return exception_label(value, lg)
    if column == "stage" and "→" in value:
        return "→".join(_named("event", part, lg) for part in value.split("→"))
    return _named(PREFIXES[column], value, lg) if column in PREFIXES else value


def _named(prefix: str, value: str, lg: str) -> str:
    key = f"{prefix}.{value}"
    return label(key, lg) if key in CATALOGUE else value
