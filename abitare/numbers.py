"""Numbers and money the Italian way, written and read: the one place for both.

``1234.5`` is written ``1.234,5`` (a dot between thousands, a comma before the
decimals), money ``1.234,50 €``, a percentage ``46%``. The reference is Babel's
``it_IT`` locale (``tests/abitare/test_numbers.py`` compares every function here with
it on a few hundred values): a float is rounded as it is written (``2.675`` → ``2,68``),
half to even, like Babel. The one deliberate difference: the space before ``€`` is a
plain space, not Babel's non-breaking one, so a text or CSV shows and finds it as typed.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

__all__ = ["euro", "number", "parse_number", "percent", "plain_number"]


def _decimal(value: float | Decimal) -> Decimal:
    # str() first, as Babel does: 2.675 is rounded as written, not as its binary double
    return value if isinstance(value, Decimal) else Decimal(str(value))


def number(value: float | Decimal, decimals: int | None = None, *, grouping: bool = True) -> str:
    """``16000`` → ``16.000``; ``20.5`` → ``20,5``; ``number(1.7, 2)`` → ``1,70``.

    Parameters
    ----------
    value
        The number (an int, a float or a Decimal).
    decimals
        How many decimals to show, rounded half to even; ``None`` shows the number as
        written (``20.5`` → ``20,5``, ``16000.0`` → ``16.000``).
    grouping
        ``False`` leaves out the thousands dot (``1200,5``), for a value quoted in a message.
    """
    exact = _decimal(value)
    if decimals is not None:
        exact = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    elif exact == exact.to_integral_value():
        exact = exact.quantize(Decimal(1))
    text = format(exact, ",f" if grouping else "f")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def euro(value: float | Decimal, decimals: int = 2) -> str:
    """``1234.5`` → ``1.234,50 €``; ``euro(1234.5, 0)`` → ``1.234 €`` (``1.235 €`` for 1234.6)."""
    return number(value, decimals) + " €"


def percent(value: float | Decimal, decimals: int | None = None) -> str:
    """A percentage already multiplied by 100: ``46`` → ``46%``, ``percent(12.345, 1)`` → ``12,3%``."""
    return number(value, decimals) + "%"


_DOTTED_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def plain_number(text: str) -> str:
    """A number typed the Italian way, as Python writes it: ``1.234,5`` → ``1234.5``.

    ``80.5`` stays (a dot with other than three digits after it is a decimal point), ``3.500``
    is three thousand five hundred; spaces and ``€`` are dropped. Anything else is returned
    for the validator to refuse.
    """
    clean = text.strip().replace(" ", "").replace("€", "")
    if "," in clean:
        clean = clean.replace(".", "").replace(",", ".")
    elif _DOTTED_THOUSANDS.fullmatch(clean):
        clean = clean.replace(".", "")
    return clean


def parse_number(text: str) -> float:
    """The value of a number typed the Italian way (see :func:`plain_number`).

    Raises
    ------
    ValueError
        When ``text`` is not a finite number.
    """
    try:
        value = Decimal(plain_number(text))
    except InvalidOperation:
        raise ValueError(f"«{text}» non è un numero") from None
    if not value.is_finite():
        raise ValueError(f"«{text}» non è un numero")
    return float(value)
