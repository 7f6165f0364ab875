"""The one rule an amount cell of a seller export must follow; anything else is rejected, never guessed.

    rule = AmountRule(decimal=",", thousands=".")
    rule.minor("EUR 1.299,50", "EUR")   # 129950
    rule.minor("1e5", "USD")            # ValueError: not an amount …

An amount is: an optional currency (ISO code or symbol, before or after the number, which must be the
row's currency), a minus sign only in refund files, ASCII digits with an optional thousands separator
in groups of three, and at most as many decimals as the currency has (JPY 0, most 2, KWD 3). No
exponents, no letters inside, no '+'. The separators are the profile's ([amounts] in the profile,
documented in docs/file-import.md). A regex and integer arithmetic: exact, and cheap per cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from ingest.files.limits import cut
from models.money import exponent

DECIMALS = (".", ",")
THOUSANDS = (",", ".", " ", "'", "")
MAX_TEXT = 64  # longer than any amount: refused before the regex runs
MAX_WHOLE_DIGITS = 15  # below 2**63 minor units even with 3 decimals

# Currency symbols a cell may carry, and the currencies each may stand for.
DOLLARS = frozenset({"USD", "SGD", "HKD", "AUD", "CAD", "NZD", "TWD", "MXN"})
SYMBOLS: dict[str, frozenset[str]] = {
    "US$": frozenset({"USD"}), "S$": frozenset({"SGD"}), "HK$": frozenset({"HKD"}),
    "NT$": frozenset({"TWD"}), "A$": frozenset({"AUD"}), "C$": frozenset({"CAD"}), "$": DOLLARS,
    "JP¥": frozenset({"JPY"}), "¥": frozenset({"CNY", "JPY"}), "￥": frozenset({"CNY", "JPY"}),
    "元": frozenset({"CNY"}), "RMB": frozenset({"CNY"}), "RM": frozenset({"MYR"}), "฿": frozenset({"THB"}),
    "₱": frozenset({"PHP"}), "Rp": frozenset({"IDR"}), "₫": frozenset({"VND"}), "€": frozenset({"EUR"}),
    "£": frozenset({"GBP"}), "₩": frozenset({"KRW"}),
}
_MARK = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True)) + "|[A-Za-z]{3}"
_SPACES = "[ \u00a0\u202f]"


@dataclass(frozen=True)
class AmountRule:
    """The profile's separators and whether it is a refund file (the only place a minus is allowed)."""

    decimal: str = "."
    thousands: str = ","
    refunds: bool = False

    @cached_property
    def plain(self) -> re.Pattern[str]:
        """The form most cells take ('54.90'): what `pattern` reads as whole and frac, without its marks."""
        return re.compile(f"([0-9]{{1,{MAX_WHOLE_DIGITS}}})(?:{re.escape(self.decimal)}([0-9]+))?")

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        dec = re.escape(self.decimal)
        whole = f"[0-9]{{1,{MAX_WHOLE_DIGITS}}}"
        if self.thousands:
            sep = _SPACES if self.thousands == " " else re.escape(self.thousands)
            whole += f"|[0-9]{{1,3}}(?:{sep}[0-9]{{3}}){{1,4}}"
        number = f"(?P<whole>{whole})(?:{dec}(?P<frac>[0-9]+))?"
        return re.compile(
            rf"(?P<s1>-)?\s*(?:(?P<pre>{_MARK})\s*)?(?P<s2>-)?{number}(?:\s*(?P<post>{_MARK}))?"
        )

    def describe(self) -> str:
        thousands = repr(self.thousands) if self.thousands else "none"
        example = f"1{self.thousands}299{self.decimal}50"
        return f"decimal {self.decimal!r}, thousands {thousands}, no exponent, e.g. {example}"

    def minor(self, value: Any, currency: str) -> int:
        """A cell → minor units of currency; ValueError whose text names the cut value and the rule."""
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise ValueError(f"not an amount: {cut(value)}")
        if not isinstance(value, str):
            return self._number(value, currency)
        text = value.strip()
        plain = self.plain.fullmatch(text) if len(text) <= MAX_TEXT else None  # "54.90": nearly every cell
        if plain is not None:
            return self._digits(text, plain[1], plain[2] or "", False, currency)
        match = self.pattern.fullmatch(text) if len(text) <= MAX_TEXT else None
        if match is None:
            raise ValueError(f"not an amount: {cut(value)} (expected {self.describe()})")
        self._check_marks(match, text, currency)
        whole = re.sub("[^0-9]", "", match["whole"])
        return self._digits(text, whole, match["frac"] or "", bool(match["s1"] or match["s2"]), currency)

    def _check_marks(self, match: re.Match[str], text: str, currency: str) -> None:
        if (match["s1"] and match["s2"]) or (match["pre"] and match["post"]):
            raise ValueError(f"not an amount: {cut(text)} (expected {self.describe()})")
        mark = match["pre"] or match["post"]
        if mark and currency not in SYMBOLS.get(mark, {mark.upper()}):
            raise ValueError(f"currency {mark!r} in {cut(text)} is not the row's currency {currency}")

    def _digits(self, text: str, whole: str, frac: str, negative: bool, currency: str) -> int:
        places = exponent(currency)
        if len(frac) > places:
            raise ValueError(f"{cut(text)} has {len(frac)} decimal places; {currency} has {places}")
        if negative and not self.refunds:
            raise ValueError(
                f"negative amount {cut(text)}: only a refund file ([amounts] refunds = true) may have one"
            )
        minor = int(whole) * 10**places + int(frac.ljust(places, "0") or 0)
        return -minor if negative else minor

    def _number(self, value: int | float | Decimal, currency: str) -> int:
        """An XLSX number cell, read as Excel shows it (15 significant digits) so 54.9 stays 54.9."""
        number = Decimal(f"{value:.15g}") if isinstance(value, float) else Decimal(value)
        if not number.is_finite() or abs(number) >= 10**MAX_WHOLE_DIGITS:
            raise ValueError(f"not an amount: {cut(value)} (out of range)")
        text = f"{abs(number):f}"
        whole, _, frac = text.partition(".")
        return self._digits(str(value), whole, frac.rstrip("0") if "." in text else "", number < 0, currency)
