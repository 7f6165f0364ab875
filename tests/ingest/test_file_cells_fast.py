"""Time cells read without strptime where they are plain must read exactly as strptime reads them: the oracle
here is `datetime.strptime` itself (then the instant in UTC), over every format the shipped profiles and
tests use, on valid, edge and broken cells."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from ingest.files import cells
from ingest.files.amounts import AmountRule

FORMATS = ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
           "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d %b %Y", "%Y-%m-%dT%H:%M:%S%z", "%d.%m.%Y %H:%M"]
ZONES = [ZoneInfo("America/New_York"), ZoneInfo("Asia/Shanghai"), UTC]
EDGES = ["2026-02-29 10:00:00 +0000", "2026-13-01 10:00:00 +0000", "2026-00-10 10:00:00 +0800",
         "2026-03-08 02:30:00", "2026-11-01 01:30:00", "2026-03-01 24:00:00", "2026-03-01 23:60:00 +0000",
         "2026-03-01 10:00:61 +0000", "2026-03-01 10:00:00 +2400", "2026-03-01 10:00:00 +0560",
         "2026-03-01 10:00:00 -0000", "2026-03-01  10:00:00 +0000", "2026-3-1 10:00:00 +0000", "0000-01-01",
         "2026-03-01 10:00:00 +05:30", "2026-03-01T10:00:00Z", "２０２６-03-01", "2026-03-01 10:00", "29/02/2024",
         "31/04/2026", "1 Mar 2026", "2026/03/01 10:00:00", "2026-03-01 10:00:00 +0000 ", "", "1e5"]


def _strptime(raw: str, fmt: str) -> datetime | None:
    try:
        return datetime.strptime(raw, fmt)
    except ValueError:
        return None


def _cells(seed: int, n: int) -> list[str]:
    """Cells rendered in each format from random instants, then some digits or separators changed."""
    rnd = random.Random(seed)
    out = list(EDGES)
    for _ in range(n):
        moment = datetime(rnd.randrange(1, 9999), rnd.randrange(1, 13), rnd.randrange(1, 29), rnd.randrange(24),
                          rnd.randrange(60), rnd.randrange(60), tzinfo=ZoneInfo("Asia/Kolkata"))
        text = moment.strftime(rnd.choice(FORMATS)).replace("+0530", rnd.choice(["+0530", "-0800", "+1345"]))
        if rnd.random() < 0.3:  # a broken cell: one character replaced
            k = rnd.randrange(len(text))
            text = text[:k] + rnd.choice("0123456789 -/:+x9") + text[k + 1:]
        out.append(text)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_cell_parses_as_strptime_parses_it(fmt: str):
    for raw in _cells(sum(map(ord, fmt)), 3000):
        assert cells._parsed(raw, fmt) == _strptime(raw, fmt), (raw, fmt)
        got = cells._parsed(raw, fmt)
        want = _strptime(raw, fmt)
        assert (got is None) == (want is None) and (got is None or got.utcoffset() == want.utcoffset()), raw


@pytest.mark.parametrize("zone", ZONES)
def test_a_time_cell_is_the_instant_strptime_and_the_zone_say(zone):
    formats = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
    for raw in _cells(7, 2000):
        want = next((m for f in formats if (m := _strptime(raw.strip(), f)) is not None), None)
        if want is None:
            continue
        expected = (want if want.tzinfo else want.replace(tzinfo=zone)).astimezone(UTC)
        got = cells.timestamp(raw, zone, formats)
        assert got == expected and got.tzinfo is UTC, raw


@pytest.mark.parametrize(("decimal", "thousands"), [(".", ","), (",", "."), (".", "")])
@pytest.mark.parametrize("currency", ["USD", "JPY", "KWD"])
def test_a_plain_amount_is_its_decimal_value_in_minor_units(decimal: str, thousands: str, currency: str):
    rule, places = AmountRule(decimal=decimal, thousands=thousands), {"USD": 2, "JPY": 0, "KWD": 3}[currency]
    rnd = random.Random(places)
    for _ in range(3000):
        whole = str(rnd.randrange(10 ** rnd.randrange(1, 17)))
        frac = "".join(rnd.choice("0123456789") for _ in range(rnd.choice([0, 0, 1, 2, 3, 4])))
        text = whole + (decimal + frac if frac or rnd.random() < 0.1 else "")
        value = Decimal(whole + ("." + frac if frac else ""))
        fits = len(frac) <= places and len(whole) <= 15 and not text.endswith(decimal)
        if fits:
            assert rule.minor(text, currency) == int(value * 10**places), text
        else:
            with pytest.raises(ValueError):
                rule.minor(text, currency)
    long = "1" + decimal + "0" * 70  # past the 64 characters any amount has: refused as no amount at all
    with pytest.raises(ValueError, match="not an amount"):
        rule.minor(long, currency)
