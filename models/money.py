"""Money as integer minor units plus an ISO 4217 currency: parsing platform amounts and formatting them.

Floats never carry money here: '19.99' becomes 1999 exactly, and a currency without minor units (VND,
JPY, KRW) keeps its exponent 0, so 25000 VND is stored as 25000.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor-unit exponents that differ from the usual 2.
_EXPONENT: dict[str, int] = {"VND": 0, "JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "KWD": 3, "BHD": 3}
_SYMBOL: dict[str, str] = {"CNY": "¥", "USD": "US$", "SGD": "S$", "MYR": "RM", "THB": "฿", "PHP": "₱",
                           "IDR": "Rp", "VND": "₫", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}


def exponent(currency: str) -> int:
    return _EXPONENT.get(currency.upper(), 2)


# Plain amounts ('19.99', '-5', '1299.00'): exact in integers, no Decimal needed. Anything else
# (exponents, '+', other digits, more decimals than the currency has) takes the Decimal path.
_PLAIN = re.compile(r"(-?)([0-9]{1,15})(?:\.([0-9]{1,3}))?")


def to_minor(amount: str | int | float | Decimal, currency: str) -> int:
    """Platform amount ('19.99', 19.99, '1,299.00') → minor units; raises ValueError naming the value."""
    text = str(amount).replace(",", "").strip()
    plain = _PLAIN.fullmatch(text)
    if plain:
        sign, whole, fraction = plain.groups()
        digits = exponent(currency)
        if fraction is None or len(fraction) <= digits:
            minor = int(whole) * 10**digits + (int(fraction.ljust(digits, "0")) if fraction else 0)
            return -minor if sign else minor
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    try:
        minor = int((value * (10 ** exponent(currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation as exc:  # beyond Decimal's precision
        raise ValueError(f"amount out of range: {amount!r}") from exc
    if not -(2**63) <= minor < 2**63:
        raise ValueError(f"amount out of range: {amount!r}")
    return minor


def from_minor(cents: int, currency: str) -> Decimal:
    return Decimal(cents) / (10 ** exponent(currency))


def format_money(cents: int | None, currency: str, lang: str = "en", compact: bool = False) -> str:
    """'¥1,234.50' — grouping and symbol per currency; zh shows large sums in 万 (10⁴), and `compact`
    shows millions as '¥4.96M' where space is short (KPI cards). A negative sum has its sign before the
    symbol ('-US$0.20'), as both languages write it, not inside it ('US$-0.20')."""
    if cents is None:
        return "–"
    value = from_minor(cents, currency)
    symbol = ("-" if value < 0 else "") + _SYMBOL.get(currency.upper(), currency.upper() + " ")
    value = abs(value)
    if lang == "zh" and value >= 100_000:
        return f"{symbol}{value / 10_000:,.1f}万"
    if compact and value >= 1_000_000:
        return f"{symbol}{value / 1_000_000:,.2f}M"
    digits = exponent(currency)
    return f"{symbol}{value:,.{digits}f}"
