"""abitare.numbers against Babel's it_IT rules: thousands dot, decimal comma, negatives, rounding."""

import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal, format_percent, parse_decimal

from abitare.numbers import euro, number, parse_number, percent, plain_number

IT = "it_IT"
NBSP = "\xa0"


def _values() -> list[float | int]:
    """A few hundred values: whole and decimal, small and large, negative, and rounding ties."""
    rng = random.Random(13)
    values: list[float | int] = [0, 1, -1, 999, 1000, -1000, 1234, 16000, 1_000_000, -2_500_000, 10**12]
    values += [0.5, 1.5, 2.5, -2.5, 0.125, 2.675, 1.005, 1234.5, -1234.5, 0.1 + 0.2, 1e-7, 20.5, 16000.0, -0.001]
    for _ in range(120):
        scale = 10 ** rng.randint(0, 9)
        values.append(round(rng.uniform(-1, 1) * scale, rng.randint(0, 4)))
    for _ in range(60):
        values.append(rng.randint(-(10**9), 10**9))
    for _ in range(60):  # ties at the second and third decimal, where rounding rules differ
        values.append(float(f"{rng.randint(-99_999, 99_999)}.{rng.randint(0, 99):02d}5"))
    return values


VALUES = _values()


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def test_there_are_a_few_hundred_values():
    assert len(VALUES) >= 250 and any(v < 0 for v in VALUES)


@pytest.mark.parametrize("decimals", [None, 0, 1, 2, 3])
def test_numbers_are_written_as_babel_writes_them(decimals):
    for value in VALUES:
        if decimals is None:
            expected = format_decimal(value, locale=IT, decimal_quantization=False)
        else:
            expected = format_decimal(value, format=_pattern(decimals), locale=IT)
        assert number(value, decimals) == expected, value


@pytest.mark.parametrize("decimals", [None, 2])
def test_numbers_without_grouping_are_written_as_babel_writes_them(decimals):
    for value in VALUES:
        if decimals is None:
            expected = format_decimal(value, locale=IT, decimal_quantization=False, group_separator=False)
        else:
            expected = format_decimal(value, format=_pattern(decimals), locale=IT, group_separator=False)
        assert number(value, decimals, grouping=False) == expected, value


def test_money_is_written_as_babel_writes_it_with_a_plain_space():
    for value in VALUES:
        assert euro(value) == format_currency(value, "EUR", locale=IT).replace(NBSP, " "), value
        whole = format_currency(value, "EUR", format="#,##0 ¤", currency_digits=False, locale=IT)
        assert euro(value, 0) == whole.replace(NBSP, " "), value


@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_percentages_are_written_as_babel_writes_them(decimals):
    for value in VALUES:
        fraction = Decimal(str(value)) / 100  # Babel multiplies by 100; ours are percentages already
        assert percent(value, decimals) == format_percent(fraction, format=_pattern(decimals) + "%", locale=IT)


def test_what_is_written_is_read_back_as_babel_reads_it():
    for value in VALUES:
        for text in (format_decimal(value, format=_pattern(2), locale=IT), euro(value)):
            assert parse_number(text) == float(parse_decimal(text.removesuffix(" €"), locale=IT)), text


def test_examples_of_the_docstrings():
    assert number(16000) == "16.000" and number(20.5) == "20,5" and number(1.7, 2) == "1,70"
    assert number(2.675, 2) == "2,68" and number(1200.5, grouping=False) == "1200,5"
    assert euro(1234.5) == "1.234,50 €" and euro(1234.6, 0) == "1.235 €" and euro(-80) == "-80,00 €"
    assert percent(46) == "46%" and percent(12.345, 1) == "12,3%"


def test_italian_numbers_are_read():
    assert plain_number("1.234,50") == "1234.50" and plain_number(" 80 ") == "80"
    assert plain_number("80.5") == "80.5" and plain_number("3.500") == "3500"
    assert plain_number("1.250.000") == "1250000"
    assert parse_number("-1.234,5 €") == -1234.5 and parse_number("3.500") == 3500


@pytest.mark.parametrize("text", ["", "diciotto", "1,2,3", "nan", "inf", "1.2.3,4,5"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError, match="non è un numero"):
        parse_number(text)
