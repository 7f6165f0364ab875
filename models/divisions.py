"""Reference lists of administrative divisions: is this a province of the country, this city one of its cities?

    divisions.problem(settings, "CN", "浙江", "杭州")      # None: known (short names too: 浙江 = 浙江省)
    divisions.problem(settings, "CN", "Atlantis", "x")   # ("order.bad_province", {...}): refuse, and say why

One CSV per country (`province_code,province,city_code,city`): shipped in models/reference/divisions/ (China,
from the Ministry of Civil Affairs' GB/T 2260 codes), and any added by an operator in
`<data>/config/divisions/<CC>.csv`. A country without a list is not checked beyond "not empty".
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from models.settings import Settings

SHIPPED = Path(__file__).resolve().parent / "reference" / "divisions"
Divisions = dict[str, tuple[str, ...]]  # province (full name) → its cities (full names)


@functools.lru_cache(maxsize=16)
def _read(path: Path, stamp: float) -> Divisions:
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["province"].strip(), []).append(row["city"].strip())
    return {province: tuple(cities) for province, cities in out.items()}


def table(settings: Settings, country: str) -> Divisions | None:
    """The country's provinces and cities (the operator's file over the shipped one), or None if unlisted."""
    name = f"{country.strip().upper()}.csv"
    for folder in (settings.config_dir / "divisions", SHIPPED):
        path = folder / name
        if path.is_file():
            return _read(path, path.stat().st_mtime)
    return None


def _match(name: str, known: tuple[str, ...] | list[str]) -> str | None:
    """The listed name this one means: the same, or its start (浙江 for 浙江省, 恩施 for 恩施…自治州), 2+ chars."""
    name = name.strip()
    if name in known:
        return name
    hits = [k for k in known if len(name) >= 2 and k.startswith(name)]
    return hits[0] if len(hits) == 1 else None


def problem(settings: Settings, country: str | None, province: str, city: str) -> tuple[str, dict] | None:
    """Why this province/city is not an address of the country (a label key and its values), or None."""
    places = table(settings, country or settings.address_default_country)
    if places is None:
        return None
    full = _match(province, list(places))
    if full is None:
        return "order.bad_province", {"province": province.strip()}
    if _match(city, places[full]) is None:
        return "order.bad_city", {"city": city.strip(), "province": full}
    return None


def provinces(settings: Settings, country: str | None) -> list[str]:
    """The provinces of the country's list (for a form's choices), empty when it has none."""
    return list(table(settings, country or settings.address_default_country) or {})
