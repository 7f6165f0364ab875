"""Saved views and e-mail subscriptions: per user, a named set of filters (a page and the URL's query, which
already holds the dates, channels and warehouses) and who wants a page's figures by e-mail, how often.

Both live in small JSON state files (`<data>/state/views.json`, `subscriptions.json`; models.state_files:
atomic, locked), keyed by user, so the console and `ingest serve` on one machine never lose an update.

    save_view(settings, "li.ops", "Shopee this week", "pages/overview.py", "from=2026-03-02&to=…&channel=shopee")
    subscribe(settings, "li.ops", "li@example.com", "pages/overview.py", "channel=shopee", "daily", "zh")
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs

from models.ids import stable_hash
from models.kpis import Scope
from models.settings import Settings
from models.state_files import read_json, state_dir, update_json

FREQUENCIES = ("daily", "weekly")
NAME_MAX = 60


class ViewError(ValueError):
    """A view or subscription the user asked for cannot be saved; the message says why."""


def _path(settings: Settings, what: str):
    return state_dir(settings.data_dir) / f"{what}.json"


def views(settings: Settings, user: str) -> dict[str, dict[str, str]]:
    """The user's saved views by name: {"page": …, "query": …}."""
    return read_json(_path(settings, "views")).get(user, {})


def save_view(settings: Settings, user: str, name: str, page: str, query: str) -> None:
    """Save (or replace) the user's view `name`."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise ViewError(f"a view needs a name of 1 to {NAME_MAX} characters")
    update_json(_path(settings, "views"), lambda all_: all_.setdefault(user, {}).__setitem__(
        name, {"page": page, "query": query}))


def delete_view(settings: Settings, user: str, name: str) -> None:
    update_json(_path(settings, "views"), lambda all_: all_.get(user, {}).pop(name, None))


def view_url(console_url: str, page: str, query: str) -> str:
    """The link that opens the page on these filters (a Streamlit page's URL path is its file's stem)."""
    stem = page.rsplit("/", 1)[-1].removesuffix(".py")
    return f"{console_url.rstrip('/')}/{stem}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Subscription:
    id: str
    user: str
    email: str
    page: str
    query: str
    frequency: str
    lang: str

    def scope(self, start: date, end: date) -> Scope:
        """The subscribed filters (channels, warehouses) over the period being sent; dates come from the period."""
        params = parse_qs(self.query)
        return Scope(start, end, tuple(params.get("channel", [])), (), tuple(params.get("warehouse", [])))


def subscribe(settings: Settings, user: str, email: str, page: str, query: str, frequency: str,
              lang: str) -> Subscription:
    if frequency not in FREQUENCIES:
        raise ViewError(f"frequency {frequency!r}: choose {' or '.join(FREQUENCIES)}")
    if "@" not in email or email.strip() != email or len(email) > 200:
        raise ViewError(f"{email!r} is not an e-mail address")
    sub = Subscription(stable_hash(user, page, query, frequency, length=12), user, email, page, query, frequency,
                       lang)
    update_json(_path(settings, "subscriptions"), lambda all_: all_.__setitem__(sub.id, asdict(sub)))
    return sub


def unsubscribe(settings: Settings, user: str, sub_id: str) -> None:
    """Remove one of the user's own subscriptions (someone else's id is left alone)."""
    def change(all_: dict[str, Any]) -> None:
        if all_.get(sub_id, {}).get("user") == user:
            del all_[sub_id]
    update_json(_path(settings, "subscriptions"), change)


def subscriptions(settings: Settings, user: str | None = None) -> list[Subscription]:
    rows = [Subscription(**v) for v in read_json(_path(settings, "subscriptions")).values()]
    return sorted((s for s in rows if user is None or s.user == user), key=lambda s: (s.user, s.page, s.id))


def period(frequency: str, today: date) -> tuple[str, date, date]:
    """The last complete period on `today` (local): yesterday, or last Monday–Sunday; its key is sent once."""
    if frequency == "daily":
        day = today - timedelta(days=1)
        return day.isoformat(), day, day
    monday = today - timedelta(days=today.weekday() + 7)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", monday, monday + timedelta(days=6)
