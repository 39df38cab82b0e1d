"""Cells of CSV and XLSX exports made inert for spreadsheets (formula injection).

A participant can type ``=HYPERLINK("http://…";"clic")`` or ``@SUM(…)`` into a worksheet;
opened in Excel or LibreOffice, a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is read as a formula. The OWASP rule: such a text cell is prefixed with an
apostrophe, so the spreadsheet shows it as text. Numbers (``int``/``float``, or a text that is
only a number such as ``-12,5``) are left alone: they cannot be formulas.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = ["FORMULA_STARTS", "neutralise_cell", "neutralise_row", "safe_csv_writer"]

#: First characters that make a spreadsheet read a cell as a formula (with their full-width forms,
#: which some spreadsheets fold to the ASCII ones).
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")

_NUMBER = re.compile(r"^[+-]?\d[\d.,]*(?:[eE][+-]?\d+)?%?$")


def _invisible(char: str) -> bool:
    """Spaces, zero-width and direction marks: a spreadsheet may skip them before a formula."""
    return (char.isspace() and char not in "\t\r\n") or unicodedata.category(char) == "Cf"


def neutralise_cell(value: Any) -> Any:
    """``value`` as an inert cell: a text that a spreadsheet would run gets a leading apostrophe."""
    if not isinstance(value, str) or not value:
        return value
    start = 0
    while start < len(value) and _invisible(value[start]):
        start += 1
    if start == len(value) or value[start] not in FORMULA_STARTS:
        return value
    if _NUMBER.match(value.strip()):
        return value
    return "'" + value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise_cell(v) for v in row]


class _Writer(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


class _SafeWriter:
    """A :func:`csv.writer` whose rows are neutralised cell by cell."""

    def __init__(self, inner: _Writer) -> None:
        self._inner = inner

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._inner.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_csv_writer(out: Any, delimiter: str = ";") -> _SafeWriter:
    """``csv.writer(out, delimiter=…)`` that neutralises every text cell (see :func:`neutralise_cell`)."""
    return _SafeWriter(csv.writer(out, delimiter=delimiter))
