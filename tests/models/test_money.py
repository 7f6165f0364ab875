"""Money in minor units: exact parsing, currency exponents, clear errors, formatting."""

from __future__ import annotations

import pytest

from models.money import format_money, to_minor


@pytest.mark.parametrize(("amount", "currency", "cents"), [
    ("19.99", "USD", 1999), (12.9, "SGD", 1290), ("1,299.00", "CNY", 129900), ("25000", "VND", 25000),
    ("0.005", "USD", 1), ("1.2345", "KWD", 1235), (0, "CNY", 0),
])
def test_to_minor(amount, currency, cents):
    assert to_minor(amount, currency) == cents


# Either side of the integer fast path: plain amounts it takes, and shapes it must leave to Decimal.
@pytest.mark.parametrize(("amount", "currency", "cents"), [
    ("-0.50", "SGD", -50), ("-0.00", "SGD", 0), (" 7 ", "USD", 700), ("12.3", "KWD", 12300), ("5.", "USD", 500),
    (".5", "USD", 50), ("+3", "USD", 300), ("1e2", "USD", 10000), ("12.5", "JPY", 13), ("12.345", "USD", 1235),
    ("999999999999999.99", "USD", 99999999999999999), ("9999999999999999", "USD", 999999999999999900),
    ("١٢", "USD", 1200), ("1_000", "USD", 100000),
])
def test_to_minor_plain_and_general_shapes(amount, currency, cents):
    assert to_minor(amount, currency) == cents


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "inf", "1e26", "9" * 40])
def test_bad_amounts_raise_value_error(bad):
    with pytest.raises(ValueError, match="amount"):
        to_minor(bad, "USD")


def test_format():
    assert format_money(123450, "CNY") == "¥1,234.50"
    assert format_money(25000, "VND") == "₫25,000"
    assert format_money(123456789, "CNY", "zh") == "¥123.5万"
    assert format_money(None, "CNY") == "–"
    # a negative sum: the sign before the symbol, in every form
    assert format_money(-20, "USD") == "-US$0.20"
    assert format_money(-73613327, "CNY") == "-¥736,133.27"
    assert format_money(-73613327, "CNY", "zh") == "-¥73.6万"
    assert format_money(-496_000_000, "CNY", compact=True) == "-¥4.96M"


def test_compact_for_cards():
    assert format_money(496342512, "CNY", compact=True) == "¥4.96M"
    assert format_money(96342512, "CNY", compact=True) == "¥963,425.12"  # under a million: in full
    assert format_money(496342512, "CNY", "zh", compact=True) == "¥496.3万"
